import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type Message,
} from "@aws-sdk/client-sqs";
import {
  createPublishVerificationResultHandler,
  type PublishVerificationResultHandler,
} from "../../functions/publish-verification-result";
import type { Dependencies } from "../../lib/runtime/dependencies";
import { toSqsRecord } from "../../local/stack/sqs-event";
import { lambdaContext } from "./lambda-context";
import type { Stack } from "./stack";

/*
 * The results queue's consumer for tests: what Lambda's event source mapping does with
 * publish-verification-result, one receive at a time, so a test can say "the queued results are
 * now published" and then look at SNS. A record given back stays in flight (its visibility
 * timeout), as it would in Lambda.
 */

export interface PublishRound {
  readonly received: number;
  readonly givenBack: number;
}

/** Receives what the results queue holds, hands it to the publisher, deletes what it acknowledged. */
export async function publishQueuedResults(
  stack: Stack,
  options: { readonly deps?: Dependencies; readonly handler?: PublishVerificationResultHandler } = {},
): Promise<PublishRound> {
  const handler =
    options.handler ?? createPublishVerificationResultHandler(() => options.deps ?? stack.newContainer());
  const queueUrl = stack.resources.resultsQueueUrl;
  let received = 0;
  let givenBack = 0;
  for (;;) {
    const batch = await stack.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const messages: Message[] = batch.Messages ?? [];
    if (messages.length === 0) return { received, givenBack };
    received += messages.length;
    const records = messages.map((message) =>
      toSqsRecord(message, stack.resources.resultsQueueArn, stack.aws.region),
    );
    const reply = await handler({ Records: records }, lambdaContext(30_000));
    const failed = new Set(reply.batchItemFailures.map((failure) => failure.itemIdentifier));
    givenBack += failed.size;
    for (const record of records) {
      if (failed.has(record.messageId)) continue;
      await stack.sqs.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle }),
      );
    }
  }
}

export interface RedeliveringPublisher {
  /** Pass to publishQueuedResults: the publisher, noting the records it gives back. */
  readonly handler: PublishVerificationResultHandler;
  /**
   * What the results queue's visibility timeout does, at once: the records given back so far are
   * visible again, so the next publishQueuedResults receives them (their redelivery).
   */
  visibilityTimeoutPasses(): Promise<void>;
}

/**
 * A publisher (by default a new container's; or `publisher`, e.g. the exported handler) whose
 * given-back records a test can have redelivered without waiting out the visibility timeout.
 */
export function redeliveringPublisher(
  stack: Stack,
  publisher: PublishVerificationResultHandler = createPublishVerificationResultHandler(() =>
    stack.newContainer(),
  ),
): RedeliveringPublisher {
  const givenBack: string[] = [];
  return {
    handler: async (event, context) => {
      const reply = await publisher(event, context);
      const failed = new Set(reply.batchItemFailures.map((failure) => failure.itemIdentifier));
      for (const record of event.Records)
        if (failed.has(record.messageId)) givenBack.push(record.receiptHandle);
      return reply;
    },
    async visibilityTimeoutPasses() {
      for (const receiptHandle of givenBack.splice(0)) {
        await stack.sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: stack.resources.resultsQueueUrl,
            ReceiptHandle: receiptHandle,
            VisibilityTimeout: 0,
          }),
        );
      }
    },
  };
}
