import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { setTimeout as sleep } from "node:timers/promises";
import { readBatchResponse } from "./batch-response";
import type { FunctionDefinition } from "./functions";
import type { SqsHandler } from "./handlers";
import { invoke } from "./lambda-context";
import { toSqsRecord } from "./sqs-event";

export interface SqsPollerOptions {
  /** An SDK client for the queue's endpoint: the poller speaks real SQS, so LocalStack works too. */
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly stage: string;
  readonly fn: FunctionDefinition;
  readonly handler: SqsHandler;
  readonly batchSize: number;
  readonly batchingWindowMs: number;
  readonly maxConcurrency: number;
  readonly receiveWaitSeconds: number;
  readonly onBatch?: (report: BatchReport) => void;
  /** A receive or delete that failed; the poller carries on. */
  readonly onError?: (problem: string) => void;
}

/** What happened to one batch, for the console and the demo. */
export interface BatchReport {
  readonly messageIds: readonly string[];
  /** ApproximateReceiveCount of each message in this delivery. */
  readonly receiveCounts: Readonly<Record<string, number>>;
  readonly outcome: "returned" | "threw" | "timed-out" | "invalid-reply";
  /** Why the whole batch failed, when it did. */
  readonly problem?: string;
  readonly deleted: readonly string[];
  /** Left in the queue: visible again after the visibility timeout, or moved to the DLQ at the limit. */
  readonly returned: readonly string[];
  readonly durationMs: number;
}

export interface SqsPoller {
  stop(): Promise<void>;
}

/** Error-retry pause after a failed receive (the endpoint restarting, say). */
const RECEIVE_ERROR_PAUSE_MS = 1000;
/** On stop, how long to wait for invocations still running before giving up on them. */
const STOP_GRACE_MS = 5000;
/** Pause between short polls in the last fraction of a batching window. */
const SHORT_POLL_PAUSE_MS = 50;

/**
 * Lambda's SQS event source mapping, locally: `maxConcurrency` pollers each long-poll the queue,
 * fill a batch up to `batchSize` within the batching window, invoke the function once per batch
 * and delete the messages it did not report in `batchItemFailures`. Failed messages are left
 * alone: the queue makes them visible again after its visibility timeout and moves them to the
 * DLQ after its maxReceiveCount, exactly as in AWS — the poller never changes visibility itself.
 * Hand-written: no maintained library emulates the event source mapping (serverless-offline-sqs
 * needs the serverless-offline plugin and its own Lambda runner).
 */
export function startSqsPoller(options: SqsPollerOptions): SqsPoller {
  const stopping = new AbortController();
  const running = new Set<Promise<void>>();

  const worker = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      let messages: Message[];
      try {
        messages = await collectBatch(options, stopping.signal);
      } catch (error) {
        if (stopping.signal.aborted) return;
        options.onError?.(`ReceiveMessage failed: ${describe(error)}`);
        await sleep(RECEIVE_ERROR_PAUSE_MS, undefined, { signal: stopping.signal }).catch(() => undefined);
        continue;
      }
      if (messages.length === 0) continue;
      // Not cancelled by stop: an invocation that started runs to its end, as in Lambda.
      const batch = processBatch(options, messages);
      running.add(batch);
      await batch.finally(() => running.delete(batch));
    }
  };
  const workers = Array.from({ length: options.maxConcurrency }, () => worker());

  return {
    async stop() {
      stopping.abort();
      await Promise.race([Promise.all([...workers, ...running]), sleep(STOP_GRACE_MS)]);
    },
  };
}

async function collectBatch(options: SqsPollerOptions, signal: AbortSignal): Promise<Message[]> {
  const messages = await receive(options, options.batchSize, options.receiveWaitSeconds, signal);
  if (messages.length === 0 || options.batchingWindowMs <= 0) return messages;
  const windowEnds = Date.now() + options.batchingWindowMs;
  // WaitTimeSeconds counts whole seconds: a long poll would overrun a window's last fraction of a
  // second, so whole seconds are long-polled and the rest is short-polled with brief pauses.
  while (messages.length < options.batchSize && !signal.aborted) {
    const remainingMs = windowEnds - Date.now();
    if (remainingMs <= 0) break;
    const waitSeconds = Math.min(20, Math.floor(remainingMs / 1000));
    const more = await receive(options, options.batchSize - messages.length, waitSeconds, signal);
    messages.push(...more);
    if (more.length === 0 && waitSeconds === 0)
      await sleep(Math.min(SHORT_POLL_PAUSE_MS, remainingMs), undefined, { signal }).catch(() => undefined);
  }
  return messages;
}

async function receive(
  options: SqsPollerOptions,
  max: number,
  waitSeconds: number,
  signal: AbortSignal,
): Promise<Message[]> {
  const reply = await options.client.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: waitSeconds,
      MessageSystemAttributeNames: ["All"],
      MessageAttributeNames: ["All"],
    }),
    { abortSignal: signal },
  );
  return reply.Messages ?? [];
}

async function processBatch(options: SqsPollerOptions, messages: readonly Message[]): Promise<void> {
  const records = messages.map((message) => toSqsRecord(message, options.queueArn, options.region));
  const event: SQSEvent = { Records: records };
  const ids = new Set(records.map((record) => record.messageId));
  const receiveCounts = Object.fromEntries(
    records.map((record) => [record.messageId, Number(record.attributes.ApproximateReceiveCount)]),
  );
  const invocation = await invoke(options.handler, event, options.fn, options.region, options.stage);

  let outcome: BatchReport["outcome"];
  let problem: string | undefined;
  let failed: ReadonlySet<string> = ids;
  switch (invocation.kind) {
    case "returned": {
      const verdict = readBatchResponse(invocation.value, ids);
      if (verdict.valid) {
        outcome = "returned";
        failed = verdict.failed;
      } else {
        outcome = "invalid-reply";
        problem = verdict.problem;
      }
      break;
    }
    case "threw":
      outcome = "threw";
      problem = describe(invocation.error);
      break;
    case "timed-out":
      outcome = "timed-out";
      problem = `ran past its ${options.fn.timeoutSeconds} s timeout`;
      break;
  }

  const toDelete = records.filter((record) => !failed.has(record.messageId));
  const deleted = await deleteMessages(options, toDelete);
  options.onBatch?.({
    messageIds: [...ids],
    receiveCounts,
    outcome,
    ...(problem === undefined ? {} : { problem }),
    deleted,
    returned: records.filter((record) => failed.has(record.messageId)).map((record) => record.messageId),
    durationMs: invocation.durationMs,
  });
}

/** Deletes the processed messages; returns the ids actually deleted. */
async function deleteMessages(
  options: SqsPollerOptions,
  records: readonly { messageId: string; receiptHandle: string }[],
): Promise<string[]> {
  if (records.length === 0) return [];
  try {
    const reply = await options.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: records.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
      }),
    );
    for (const failure of reply.Failed ?? []) {
      const record = records[Number(failure.Id)];
      options.onError?.(
        `DeleteMessage ${record?.messageId ?? failure.Id} failed (${failure.Code ?? "?"}): it will be delivered again`,
      );
    }
    const failedIds = new Set((reply.Failed ?? []).map((failure) => failure.Id));
    return records.filter((_, index) => !failedIds.has(String(index))).map((record) => record.messageId);
  } catch (error) {
    options.onError?.(`DeleteMessageBatch failed: ${describe(error)}; the batch will be delivered again`);
    return [];
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
