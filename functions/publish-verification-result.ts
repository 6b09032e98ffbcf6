// PLACEHOLDER (branch yml), to be replaced by the real handler: serverless.yml declares
// publishVerificationResult, and `serverless package` (test/infra/template.test.ts) cannot build a
// function without its file. Deployed by mistake it acknowledges nothing: every record goes back to
// the results queue (and at last to its DLQ), so no result is dropped.
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";

export const handler = (event: SQSEvent): Promise<SQSBatchResponse> =>
  Promise.resolve({
    batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })),
  });
