import { SNSClient, SubscribeCommand, UnsubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  type SQSClientConfig,
} from "@aws-sdk/client-sqs";
import { setTimeout as sleep } from "node:timers/promises";

/** An event as the topic published it: the `type` attribute and the parsed JSON body. */
export interface HeardEvent {
  readonly type: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface EventListener {
  /** The first event so far or from now on that matches, or a rejection after `timeoutMs`. */
  waitFor(match: (event: HeardEvent) => boolean, what: string, timeoutMs: number): Promise<HeardEvent>;
  /** Stops listening and removes the queue and the subscription; returns what could not be removed. */
  close(): Promise<string[]>;
}

/**
 * Listens to the events topic as a subscriber would: a queue of its own (named for this run)
 * subscribed to the topic, with the policy SNS needs to deliver to it on AWS. The queue and the
 * subscription exist only for the run; `close` removes both.
 */
export async function listenToTopic(
  clientConfig: SQSClientConfig,
  topicArn: string,
  queueName: string,
  /** false where the endpoint has no Unsubscribe (the local stack, torn down after the run anyway). */
  unsubscribe = true,
): Promise<EventListener> {
  const sqs = new SQSClient(clientConfig);
  const sns = new SNSClient(clientConfig);
  const { QueueUrl: queueUrl = "" } = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  const cleanups: [string, () => Promise<unknown>][] = [
    [`queue ${queueName}`, () => sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }))],
  ];
  const heard: HeardEvent[] = [];
  const stopping = new AbortController();
  let loop: Promise<void> = Promise.resolve();
  try {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
    );
    const queueArn = Attributes?.["QueueArn"] ?? "";
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queueUrl,
        Attributes: { Policy: JSON.stringify(snsMayDeliver(queueArn, topicArn)) },
      }),
    );
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: "sqs",
        Endpoint: queueArn,
        ReturnSubscriptionArn: true,
      }),
    );
    if (unsubscribe && SubscriptionArn !== undefined) {
      cleanups.unshift([
        `subscription ${SubscriptionArn}`,
        () => sns.send(new UnsubscribeCommand({ SubscriptionArn })),
      ]);
    }
    loop = poll(sqs, queueUrl, heard, stopping.signal);
  } catch (error) {
    await removeAll(cleanups);
    sqs.destroy();
    sns.destroy();
    throw error;
  }

  return {
    async waitFor(match, what, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = heard.find(match);
        if (found !== undefined) return found;
        if (Date.now() >= deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s`);
        await sleep(100);
      }
    },
    async close() {
      stopping.abort();
      await loop;
      const problems = await removeAll(cleanups);
      sqs.destroy();
      sns.destroy();
      return problems;
    },
  };
}

/** The queue policy that lets this one topic send to this one queue. */
function snsMayDeliver(queueArn: string, topicArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": topicArn } },
      },
    ],
  };
}

async function poll(
  sqs: SQSClient,
  queueUrl: string,
  heard: HeardEvent[],
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    try {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 5 }),
        { abortSignal: signal },
      );
      heard.push(...Messages.flatMap((message) => heardEvent(message.Body ?? "")));
      if (Messages.length > 0) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })),
          }),
        );
      }
    } catch {
      // Aborted, or a passing failure: the waits time out and say what was not heard.
      if (!signal.aborted) await sleep(1000).catch(() => undefined);
    }
  }
}

/** The event in an SNS notification envelope (non-raw delivery), or nothing if it is not one. */
export function heardEvent(envelopeText: string): HeardEvent[] {
  try {
    const envelope = JSON.parse(envelopeText) as {
      Message?: unknown;
      MessageAttributes?: Record<string, { Value?: unknown }>;
    };
    const type = envelope.MessageAttributes?.["type"]?.Value;
    if (typeof envelope.Message !== "string" || typeof type !== "string") return [];
    const body = JSON.parse(envelope.Message) as unknown;
    return typeof body === "object" && body !== null ? [{ type, body: body as Record<string, unknown> }] : [];
  } catch {
    return [];
  }
}

async function removeAll(cleanups: readonly [string, () => Promise<unknown>][]): Promise<string[]> {
  const problems: string[] = [];
  for (const [what, remove] of cleanups) {
    await remove().catch((error: unknown) =>
      problems.push(`could not remove ${what}: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
  return problems;
}
