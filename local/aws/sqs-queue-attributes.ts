import { err, ok, type Result } from "neverthrow";
import { senderError, type AwsError } from "./aws-errors";

/** Settings the local SQS acts on, parsed from the queue's attributes. */
export interface QueueSettings {
  readonly visibilityTimeoutSeconds: number;
  readonly delaySeconds: number;
  readonly messageRetentionSeconds: number;
  readonly maximumMessageSize: number;
  readonly receiveWaitTimeSeconds: number;
  readonly redrivePolicy?: RedrivePolicy;
}

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

/** What a new queue has unless CreateQueue says otherwise (SQS's defaults). */
export const DEFAULT_QUEUE_ATTRIBUTES: Readonly<Record<string, string>> = {
  VisibilityTimeout: "30",
  DelaySeconds: "0",
  MessageRetentionPeriod: "345600",
  MaximumMessageSize: "262144",
  ReceiveMessageWaitTimeSeconds: "0",
  SqsManagedSseEnabled: "true",
};

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  VisibilityTimeout: [0, 43_200],
  DelaySeconds: [0, 900],
  MessageRetentionPeriod: [60, 1_209_600],
  MaximumMessageSize: [1_024, 1_048_576],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

/** Accepted and stored as given; the local SQS does not act on them. */
const OPAQUE = new Set(["Policy", "KmsMasterKeyId", "SqsManagedSseEnabled", "RedriveAllowPolicy"]);

/** Computed by SQS; refused in CreateQueue / SetQueueAttributes, as SQS refuses them. */
export const READ_ONLY_ATTRIBUTES = [
  "ApproximateNumberOfMessages",
  "ApproximateNumberOfMessagesNotVisible",
  "ApproximateNumberOfMessagesDelayed",
  "CreatedTimestamp",
  "LastModifiedTimestamp",
  "QueueArn",
] as const;

const invalidName = (name: string) =>
  senderError("InvalidAttributeName", `Unknown Attribute ${name}.`, 400, "InvalidAttributeName");
const invalidValue = (name: string, reason?: string) =>
  senderError(
    "InvalidAttributeValue",
    `Invalid value for the parameter ${name}.${reason === undefined ? "" : ` Reason: ${reason}`}`,
    400,
    "InvalidAttributeValue",
  );

/**
 * Validates attributes a caller sets, returning them normalised (RedrivePolicy re-serialised
 * with a numeric maxReceiveCount, as SQS returns it). FIFO queues are refused: the project does
 * not use them and their ordering and deduplication rules are not emulated.
 */
export function validateQueueAttributes(
  attributes: Readonly<Record<string, string>>,
): Result<Record<string, string>, AwsError> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "FifoQueue" || name === "ContentBasedDeduplication") {
      return err(
        senderError(
          "UnsupportedOperation",
          "FIFO queues are not served by the local SQS.",
          400,
          "AWS.SimpleQueueService.UnsupportedOperation",
        ),
      );
    }
    const range = INTEGER_RANGES[name];
    if (range !== undefined) {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < range[0] || n > range[1]) return err(invalidValue(name));
      out[name] = String(n);
    } else if (name === "RedrivePolicy") {
      const policy = parseRedrivePolicy(value);
      if (policy === undefined)
        return err(invalidValue(name, "must be JSON with deadLetterTargetArn and maxReceiveCount 1-1000"));
      out[name] = JSON.stringify(policy);
    } else if (OPAQUE.has(name)) {
      out[name] = value;
    } else {
      return err(invalidName(name));
    }
  }
  return ok(out);
}

export function parseRedrivePolicy(value: string): RedrivePolicy | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { deadLetterTargetArn, maxReceiveCount } = parsed as Record<string, unknown>;
  const count = typeof maxReceiveCount === "string" ? Number(maxReceiveCount) : maxReceiveCount;
  if (typeof deadLetterTargetArn !== "string" || !deadLetterTargetArn.startsWith("arn:aws:sqs:"))
    return undefined;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > 1000) return undefined;
  return { deadLetterTargetArn, maxReceiveCount: count };
}

export function settingsOf(attributes: Readonly<Record<string, string>>): QueueSettings {
  const number = (name: string) => Number(attributes[name] ?? DEFAULT_QUEUE_ATTRIBUTES[name] ?? 0);
  const redrive =
    attributes.RedrivePolicy === undefined ? undefined : parseRedrivePolicy(attributes.RedrivePolicy);
  return {
    visibilityTimeoutSeconds: number("VisibilityTimeout"),
    delaySeconds: number("DelaySeconds"),
    messageRetentionSeconds: number("MessageRetentionPeriod"),
    maximumMessageSize: number("MaximumMessageSize"),
    receiveWaitTimeSeconds: number("ReceiveMessageWaitTimeSeconds"),
    ...(redrive === undefined ? {} : { redrivePolicy: redrive }),
  };
}
