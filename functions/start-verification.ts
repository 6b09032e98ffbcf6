// PLACEHOLDER: lets `serverless package` and the infrastructure test run before the real handler
// exists. Replaced by the real handler; never deploy it. Every record is reported as failed so a
// message can never be acknowledged without being processed.
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";

export function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  return Promise.resolve({
    batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })),
  });
}
