import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { setTimeout as sleep } from "node:timers/promises";
import type { SqsInspector } from "../aws/index";
import type { SentMessage } from "./ledger";
import type { ChaosRequest } from "./requests";

/*
 * Sends the run's messages to the request queue through the real SQS API, keeping at most
 * `backlog` waiting so the disruptions happen in the middle of the traffic rather than after a
 * queue that was filled at once. Duplicates are sent at three distances from their original:
 * almost together (concurrent claims), a little later (the original is in flight) and much later
 * (its session exists and is re-published).
 */

export interface QueuedMessage {
  readonly request: ChaosRequest;
  readonly duplicate: boolean;
}

export function sendOrder(
  requests: readonly ChaosRequest[],
  duplicateShare: number,
  random: () => number,
): QueuedMessage[] {
  const slots: { readonly position: number; readonly message: QueuedMessage }[] = [];
  for (const request of requests) {
    slots.push({ position: request.index, message: { request, duplicate: false } });
    if (request.kind === "not-json" || random() >= duplicateShare) continue;
    const distance = random();
    const offset =
      distance < 0.3
        ? Math.floor(random() * 5)
        : distance < 0.7
          ? 10 + Math.floor(random() * 90)
          : 300 + Math.floor(random() * 2700);
    slots.push({ position: request.index + offset + 0.5, message: { request, duplicate: true } });
  }
  return slots.sort((a, b) => a.position - b.position).map((slot) => slot.message);
}

export interface FeederOptions {
  readonly sqs: SQSClient;
  readonly inspector: SqsInspector;
  readonly queueUrl: string;
  readonly backlog: number;
  readonly stop: AbortSignal;
  /** Filled as messages are accepted, so the run can follow the progress. */
  readonly sent: SentMessage[];
}

const BATCH = 10;

export async function feed(order: readonly QueuedMessage[], options: FeederOptions): Promise<void> {
  const { sent } = options;
  for (let start = 0; start < order.length && !options.stop.aborted;) {
    const counts = options.inspector.counts(options.queueUrl);
    if (counts.visible + counts.delayed >= options.backlog) {
      await sleep(10);
      continue;
    }
    const chunk = order.slice(start, start + BATCH);
    const reply = await options.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: chunk.map((message, index) => ({ Id: String(index), MessageBody: message.request.body })),
      }),
    );
    if ((reply.Failed ?? []).length > 0)
      throw new Error(`SendMessageBatch refused ${reply.Failed?.length} entries`);
    for (const entry of reply.Successful ?? []) {
      const message = chunk[Number(entry.Id)];
      if (message === undefined || entry.MessageId === undefined) continue;
      sent.push({
        messageId: entry.MessageId,
        requestId: message.request.requestId,
        duplicate: message.duplicate,
      });
    }
    start += chunk.length;
  }
}
