import { SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { setTimeout as sleep } from "node:timers/promises";
import * as z from "zod";
import type { LocalAwsClientConfig } from "../aws/index";
import type { PublishedFeed } from "./published-feed";

export interface SnsTap {
  stop(): Promise<void>;
}

/** The SNS-to-SQS notification envelope (non-raw delivery): the topic and attributes come with the message. */
const notification = z.object({
  TopicArn: z.string(),
  Message: z.string(),
  MessageAttributes: z.record(z.string(), z.object({ Type: z.string(), Value: z.string() })).optional(),
});

/**
 * When the stack runs against another AWS endpoint (LocalStack) it cannot hook that SNS's
 * publishes, so it watches the topics the way a subscriber would: a queue subscribed to both,
 * polled, each notification handed to the feed. Works against the built-in gateway too.
 */
export async function startSnsTap(options: {
  readonly clientConfig: LocalAwsClientConfig;
  readonly sqs: SQSClient;
  readonly queueName: string;
  readonly topicArns: readonly string[];
  readonly feed: PublishedFeed;
  readonly onError?: (problem: string) => void;
}): Promise<SnsTap> {
  const { sqs, feed } = options;
  const created = await sqs.send(new CreateQueueCommand({ QueueName: options.queueName }));
  const queueUrl = created.QueueUrl ?? "";
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
  );
  const sns = new SNSClient(options.clientConfig);
  try {
    for (const topicArn of options.topicArns) {
      await sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: "sqs",
          Endpoint: Attributes?.["QueueArn"] ?? "",
        }),
      );
    }
  } finally {
    sns.destroy();
  }

  const stopping = new AbortController();
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      try {
        const reply = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }),
          { abortSignal: stopping.signal },
        );
        const messages = reply.Messages ?? [];
        for (const message of messages) {
          const parsed = notification.safeParse(parseJson(message.Body ?? ""));
          if (!parsed.success) continue;
          const attributes = Object.fromEntries(
            Object.entries(parsed.data.MessageAttributes ?? {}).map(([name, value]) => [name, value.Value]),
          );
          feed.add(parsed.data.TopicArn, parsed.data.Message, attributes);
        }
        if (messages.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })),
            }),
          );
        }
      } catch (error) {
        if (stopping.signal.aborted) return;
        options.onError?.(
          `watching the topics failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        await sleep(1000, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    }
  })();
  return {
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
