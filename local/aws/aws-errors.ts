import type { ServiceName } from "./ids";

/**
 * An error as an AWS service reports it, independent of the wire protocol that carries it.
 * `code` is the shape name the SDK maps to its exception class (`ResourceNotFoundException`,
 * `QueueDoesNotExist`, `InvalidParameter`...).
 */
export interface AwsError {
  readonly code: string;
  readonly message: string;
  readonly status: number;
  /** Who is at fault: query-protocol replies and SQS's query-compatible header carry it. */
  readonly side: "Sender" | "Receiver";
  /**
   * SQS only: the legacy query error code (`AWS.SimpleQueueService.NonExistentQueue`) that the
   * SDK reads from the `x-amzn-query-error` header to pick the exception class.
   */
  readonly queryCode?: string;
}

export function senderError(code: string, message: string, status = 400, queryCode?: string): AwsError {
  return queryCode === undefined
    ? { code, message, status, side: "Sender" }
    : { code, message, status, side: "Sender", queryCode };
}

export function receiverError(code: string, message: string, status = 500, queryCode?: string): AwsError {
  return queryCode === undefined
    ? { code, message, status, side: "Receiver" }
    : { code, message, status, side: "Receiver", queryCode };
}

/** What a test can make a service answer instead of doing its work. */
export type FaultKind = "throttling" | "internal" | "access-denied" | "not-found";

/**
 * The error each service really answers for each fault kind, with the status and code its SDK
 * client classifies: throttling codes and 5xx are retried by the SDK's standard strategy,
 * access-denied and not-found are not.
 */
const FAULT_ERRORS: Record<ServiceName, Record<FaultKind, (operation: string) => AwsError>> = {
  secretsmanager: {
    throttling: () => senderError("ThrottlingException", "Rate exceeded"),
    internal: () => receiverError("InternalServiceError", "An error occurred on the server side."),
    "access-denied": (op) =>
      senderError("AccessDeniedException", `not authorized to perform: secretsmanager:${op}`),
    "not-found": () =>
      senderError("ResourceNotFoundException", "Secrets Manager can't find the specified secret."),
  },
  sns: {
    throttling: () => senderError("Throttled", "Rate exceeded", 429),
    internal: () => receiverError("InternalError", "Internal Error"),
    "access-denied": (op) => senderError("AuthorizationError", `not authorized to perform: SNS:${op}`, 403),
    "not-found": () => senderError("NotFound", "Topic does not exist", 404),
  },
  sqs: {
    throttling: () => senderError("RequestThrottled", "Request is throttled.", 403, "RequestThrottled"),
    internal: () =>
      receiverError(
        "InternalError",
        "We encountered an internal error. Please try again.",
        500,
        "InternalError",
      ),
    "access-denied": (op) =>
      senderError("AccessDeniedException", `not authorized to perform: sqs:${op}`, 403, "AccessDenied"),
    "not-found": () => queueDoesNotExist(),
  },
  dynamodb: {
    throttling: () => senderError("ThrottlingException", "Rate of requests exceeds the allowed throughput."),
    internal: () => receiverError("InternalServerError", "Internal server error"),
    "access-denied": (op) =>
      senderError("AccessDeniedException", `not authorized to perform: dynamodb:${op}`),
    "not-found": () => senderError("ResourceNotFoundException", "Requested resource not found"),
  },
};

export function faultError(service: ServiceName, kind: FaultKind, operation: string): AwsError {
  return FAULT_ERRORS[service][kind](operation);
}

export function queueDoesNotExist(): AwsError {
  return senderError(
    "QueueDoesNotExist",
    "The specified queue does not exist.",
    400,
    "AWS.SimpleQueueService.NonExistentQueue",
  );
}
