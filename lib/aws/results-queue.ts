import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { ResultAsync } from "neverthrow";
import { serializeDelivery, type QueuedDelivery } from "../result-delivery";
import { fromAwsPromise, type AwsError } from "./aws-error";

/**
 * The results queue (RESULTS_QUEUE_URL): a delivery sent here is durable, and
 * publish-verification-result publishes it however long SNS or DynamoDB are down (design.md §4.4).
 */
export interface ResultsQueue {
  send(delivery: QueuedDelivery): ResultAsync<void, AwsError>;
}

export interface ResultsQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
}

export function createResultsQueue({ client, queueUrl }: ResultsQueueOptions): ResultsQueue {
  return {
    send(delivery) {
      return fromAwsPromise("sqs", "SendMessage", () =>
        client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: serializeDelivery(delivery) })),
      ).map(() => undefined);
    },
  };
}
