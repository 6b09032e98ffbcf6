import { ResultAsync } from "neverthrow";

export type AwsService = "secretsmanager" | "sns" | "dynamodb" | "sqs";

/**
 * An AWS call that failed after the SDK's own retries (the SDK retries throttling, 5xx and
 * network failures itself, up to the client's `maxAttempts`). `retryable` tells the caller
 * whether the failure is transient — worth giving the event back for a later redelivery —
 * or needs a person (missing secret, denied permission, invalid request).
 */
export interface AwsError {
  readonly kind: "aws";
  readonly service: AwsService;
  /** The API operation, e.g. `GetSecretValue`, `Publish`, `UpdateItem`. */
  readonly operation: string;
  /**
   * The SDK exception name (`ThrottlingException`, `ResourceNotFoundException`,
   * `AccessDeniedException`, `ConditionalCheckFailedException`...), `NetworkingError` when no
   * reply came back (refused, reset, DNS), `TimeoutError` when the request timed out.
   */
  readonly code: string;
  readonly retryable: boolean;
  /** The service's message, bounded; it names resources, never values we sent. */
  readonly message: string;
}

// Classification mirrors the SDK's own (@smithy/core's service-error-classification). That
// module is only a transitive dependency here, so it is restated rather than imported.
const THROTTLING_CODES = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "ProvisionedThroughputExceededException",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "SlowDown",
  "BandwidthLimitExceeded",
  "TransactionInProgressException",
  "KMSThrottlingException",
]);
const TRANSIENT_CODES = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalServerError",
  "InternalFailure",
  "InternalErrorException",
  "ServiceUnavailable",
  "InternalError",
]);
const NETWORK_ERROR_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ERR_HTTP2_STREAM_ERROR",
]);

const MAX_MESSAGE_LENGTH = 300;

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function field<K extends keyof SdkErrorShape>(cause: unknown, key: K): SdkErrorShape[K] | undefined {
  return typeof cause === "object" && cause !== null ? (cause as SdkErrorShape)[key] : undefined;
}

/** Turns anything the SDK threw into an AwsError. Exported for adapters that catch by other means. */
export function toAwsError(service: AwsService, operation: string, cause: unknown): AwsError {
  const name = typeof field(cause, "name") === "string" ? (field(cause, "name") as string) : "Unknown";
  const nodeCode = typeof field(cause, "code") === "string" ? (field(cause, "code") as string) : undefined;
  const status = field(cause, "$metadata")?.httpStatusCode;
  const rawMessage = field(cause, "message");

  const isNetwork = nodeCode !== undefined && NETWORK_ERROR_CODES.has(nodeCode);
  const code = isNetwork
    ? "NetworkingError"
    : name === "Error" || name === ""
      ? (nodeCode ?? "Unknown")
      : name;
  const retryable =
    name !== "AbortError" &&
    (isNetwork ||
      THROTTLING_CODES.has(name) ||
      TRANSIENT_CODES.has(name) ||
      field(cause, "$retryable") !== undefined ||
      (typeof status === "number" && (status === 429 || status >= 500)));

  const described = typeof rawMessage === "string" && rawMessage.length > 0 ? rawMessage : code;
  const withSyscall =
    isNetwork && nodeCode !== undefined && !described.includes(nodeCode)
      ? `${nodeCode}: ${described}`
      : described;
  return {
    kind: "aws",
    service,
    operation,
    code,
    retryable,
    message: withSyscall.replace(/\s+/g, " ").slice(0, MAX_MESSAGE_LENGTH),
  };
}

/**
 * The one place an AWS SDK rejection becomes a value. Takes the call lazily as well, so a
 * synchronous throw while building the request is caught too.
 */
export function fromAwsPromise<T>(
  service: AwsService,
  operation: string,
  call: Promise<T> | (() => Promise<T>),
): ResultAsync<T, AwsError> {
  // An async wrapper turns a synchronous throw into a rejection, caught like any other.
  const promise = (async () => (typeof call === "function" ? call() : call))();
  return ResultAsync.fromPromise(promise, (cause) => toAwsError(service, operation, cause));
}

/** DynamoDB refused a conditional write: for the state stores an expected outcome, not a failure. */
export function isConditionalCheckFailed(error: AwsError): boolean {
  return error.code === "ConditionalCheckFailedException";
}

/** A one-line description safe for logs. */
export function describeAwsError(error: AwsError): string {
  return `${error.service} ${error.operation} failed: ${error.code}${error.retryable ? " (transient)" : ""}: ${error.message}`;
}
