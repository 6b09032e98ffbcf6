import { describeMarkIdError, type MarkIdError } from "../markid/errors";
import type { AlertType } from "../messages";
import type { ExecutionFailure } from "../resilience/execute";
import { failedFields } from "../resilience/policy";

/*
 * Small pieces every flow needs when it maps a Mark ID outcome to what it does next: a label for
 * logs and metric dimensions, the alert text, the fields of a `verification.failed` event.
 */

const MAX_LABEL_LENGTH = 64;

/**
 * A short, bounded label for a metric dimension or a log key: the identifier Mark ID gave (an
 * unknown one sanitised, since it comes from outside), else `HTTP_<status>` or the error kind.
 */
export function markIdErrorLabel(error: MarkIdError): string {
  switch (error.kind) {
    case "api":
      return error.identifier;
    case "unknown-identifier":
      return (
        error.identifier.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, MAX_LABEL_LENGTH) || "unknown-identifier"
      );
    case "http":
      return `HTTP_${error.status}`;
    case "network":
    case "timeout":
    case "schema-mismatch":
    case "invalid-request":
    case "credentials-unavailable":
      return error.kind;
  }
}

/** The identifier Mark ID put in its reply, when it gave one (for `verification.failed`). */
function markIdIdentifier(error: MarkIdError): string | undefined {
  return error.kind === "api" || error.kind === "unknown-identifier" ? error.identifier : undefined;
}

/** Why a `verification.failed` event was published (its `reason`). */
type FailureEventReason =
  /** The request breaks a documented constraint; nothing was sent to Mark ID. */
  | "invalid-request"
  /** Mark ID refused the request's data (BAD_VALUE, MISSING_VALUE, VALIDATION_ERROR...). */
  | "rejected-by-markid"
  /** The token call's outcome is unknown and MARKID_TOKEN_UNKNOWN_OUTCOME=fail. */
  | "unknown-outcome";

export interface FailureEventDetails {
  readonly reason: FailureEventReason;
  readonly identifier?: string;
  readonly fields: readonly string[];
}

/** The `reason`, `identifier` and `fields` of the failure event for an error the caller must fix. */
export function failureEventDetails(error: MarkIdError): FailureEventDetails {
  const identifier = markIdIdentifier(error);
  return {
    reason: error.kind === "invalid-request" ? "invalid-request" : "rejected-by-markid",
    ...(identifier === undefined ? {} : { identifier }),
    fields: failedFields(error),
  };
}

/**
 * One line for the alert (also its SNS Subject, cut to 100 characters): what an operator must
 * know first, then the log-safe description of the error.
 */
export function alertSummary(type: AlertType, failure: ExecutionFailure, operation: string): string {
  const error = describeMarkIdError(failure.error);
  switch (type) {
    case "markid.token-limit-reached":
      return `Mark ID token limit reached: ${operation} waits in the queue until the account is topped up`;
    case "markid.credentials-invalid":
      return `Mark ID rejects the API key pair in Secrets Manager (${operation}, after a refresh): ${error}`;
    case "markid.permission-denied":
      return `Mark ID refuses ${operation} for this account: ${error}`;
    case "markid.client-error":
      return `Mark ID ${operation} failed on our side or the API changed: ${error}`;
    case "markid.unavailable":
      return `Mark ID unavailable for ${operation}: ${error}`;
  }
}
