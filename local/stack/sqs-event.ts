import type { Message } from "@aws-sdk/client-sqs";
import type { SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from "aws-lambda";

/**
 * One received message as Lambda's SQS event source hands it to the function: the same field
 * names and casing (`messageId`, `attributes.ApproximateReceiveCount`, `messageAttributes.x.
 * stringValue`...), binary attribute values base64-encoded, `eventSourceARN` the queue's ARN.
 */
export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const system = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: system["ApproximateReceiveCount"] ?? "1",
    SentTimestamp: system["SentTimestamp"] ?? String(Date.now()),
    SenderId: system["SenderId"] ?? "local",
    ApproximateFirstReceiveTimestamp: system["ApproximateFirstReceiveTimestamp"] ?? String(Date.now()),
    ...(system["AWSTraceHeader"] === undefined ? {} : { AWSTraceHeader: system["AWSTraceHeader"] }),
    ...(system["DeadLetterQueueSourceArn"] === undefined
      ? {}
      : { DeadLetterQueueSourceArn: system["DeadLetterQueueSourceArn"] }),
  };
  const messageAttributes: Record<string, SQSMessageAttribute> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? "String",
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map(base64),
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
      ...(value.BinaryValue === undefined ? {} : { binaryValue: base64(value.BinaryValue) }),
    };
  }
  return {
    messageId: required(message.MessageId, "MessageId"),
    receiptHandle: required(message.ReceiptHandle, "ReceiptHandle"),
    body: message.Body ?? "",
    attributes,
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? "",
    ...(message.MD5OfMessageAttributes === undefined
      ? {}
      : { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

function required(value: string | undefined, name: string): string {
  if (value === undefined) throw new Error(`ReceiveMessage returned a message without ${name}`);
  return value;
}
