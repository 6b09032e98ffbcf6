import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type Message,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse } from "aws-lambda";
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
 * now published" and then look at SNS. A record given back is made visible again when the call
 * ends, as if its visibility timeout had passed: the next call is its redelivery.
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
  const givenBack: string[] = [];
  for (;;) {
    const batch = await stack.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const messages: Message[] = batch.Messages ?? [];
    if (messages.length === 0) {
      for (const receiptHandle of givenBack)
        await stack.sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: receiptHandle,
            VisibilityTimeout: 0,
          }),
        );
      return { received, givenBack: givenBack.length };
    }
    received += messages.length;
    const records = messages.map((message) =>
      toSqsRecord(message, stack.resources.resultsQueueArn, stack.aws.region),
    );
    const reply = (await handler({ Records: records }, lambdaContext(30_000))) as SQSBatchResponse;
    const failed = new Set(reply.batchItemFailures.map((failure) => failure.itemIdentifier));
    for (const record of records) {
      if (failed.has(record.messageId)) {
        givenBack.push(record.receiptHandle);
        continue;
      }
      await stack.sqs.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle }),
      );
    }
  }
}
