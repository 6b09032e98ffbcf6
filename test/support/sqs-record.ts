import { createHash } from "node:crypto";
import type { SQSRecord } from "aws-lambda";

export interface SqsRecordOptions {
  readonly messageId: string;
  /** The queue the record comes from (the test stack's request queue). */
  readonly eventSourceARN: string;
  readonly awsRegion: string;
  readonly receiveCount?: number;
}

/** An SQS record as the event source mapping delivers it to start-verification. */
export function sqsRecord(body: string, options: SqsRecordOptions): SQSRecord {
  const now = String(Date.now());
  return {
    messageId: options.messageId,
    receiptHandle: `receipt-${options.messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: now,
      SenderId: "AIDALOCALSENDER",
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: {},
    md5OfBody: createHash("md5").update(body, "utf8").digest("hex"),
    eventSource: "aws:sqs",
    eventSourceARN: options.eventSourceARN,
    awsRegion: options.awsRegion,
  };
}
