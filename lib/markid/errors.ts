import type { KnownIdentifier } from "./identifiers";

/** A field-level problem, named by its path (`firstName`, `documents.2`). Never carries the value. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** Mark ID answered with its standard error body and an identifier we know. */
export interface ApiError {
  readonly kind: "api";
  readonly identifier: KnownIdentifier;
  readonly status: number;
  readonly message: string;
  readonly retryAfterSeconds?: number;
}

/** Mark ID answered with an identifier this client does not know yet: kept verbatim (API drift). */
export interface UnknownIdentifierError {
  readonly kind: "unknown-identifier";
  readonly identifier: string;
  readonly status: number;
  readonly message: string;
}

/** A non-2xx reply without an identifier: 401/402/403/404/429/5xx, a gateway's HTML page. */
export interface HttpStatusError {
  readonly kind: "http";
  readonly status: number;
  /** The first bytes of the body, for diagnosis; bounded so a large HTML page does not bloat logs. */
  readonly bodyExcerpt: string;
  readonly retryAfterSeconds?: number;
}

/** The request did not complete: DNS, refused, reset. */
export interface NetworkError {
  readonly kind: "network";
  readonly message: string;
  /**
   * Whether the request may have reached Mark ID. `false` only when we know it did not
   * (connection refused, DNS failure): a retry of a credit-spending call is then safe.
   */
  readonly maybeSent: boolean;
}

/** No reply within the per-call timeout. The request may have been processed. */
export interface TimeoutError {
  readonly kind: "timeout";
  readonly timeoutMs: number;
}

/** A 2xx reply whose body does not match the endpoint's schema (or is not JSON). */
export interface SchemaMismatchError {
  readonly kind: "schema-mismatch";
  readonly endpoint: string;
  readonly issues: readonly FieldIssue[];
}

/** Rejected client-side before sending: the caller's data breaks a documented constraint. */
export interface InvalidRequestError {
  readonly kind: "invalid-request";
  readonly endpoint: string;
  readonly issues: readonly FieldIssue[];
}

/** The API credentials could not be obtained (Secrets Manager failing, malformed secret). */
export interface CredentialsUnavailableError {
  readonly kind: "credentials-unavailable";
  readonly message: string;
}

export type MarkIdError =
  | ApiError
  | UnknownIdentifierError
  | HttpStatusError
  | NetworkError
  | TimeoutError
  | SchemaMismatchError
  | InvalidRequestError
  | CredentialsUnavailableError;

export type MarkIdErrorKind = MarkIdError["kind"];

export const TOKEN_LIMIT_MESSAGE = "Partner reached token limit.";

/**
 * The account has no verification credits left: `PERMISSIONS_ERROR` "Partner reached token limit."
 * (Mark ID) or HTTP 402 without an identifier (iDenfy). Recognised here, once, so no caller
 * matches on message text.
 */
export function isTokenLimitReached(error: MarkIdError): boolean {
  if (error.kind === "api") {
    return error.identifier === "PERMISSIONS_ERROR" && error.message.trim() === TOKEN_LIMIT_MESSAGE;
  }
  return error.kind === "http" && error.status === 402;
}

/** Bad or missing API key/secret, in either of the shapes the platform uses. */
export function isUnauthorized(error: MarkIdError): boolean {
  return (
    (error.kind === "api" && error.identifier === "UNAUTHORIZED") ||
    (error.kind === "http" && error.status === 401)
  );
}

/** A one-line description safe for logs: no secret, no request data, no body beyond the excerpt. */
export function describeMarkIdError(error: MarkIdError): string {
  switch (error.kind) {
    case "api":
      return `Mark ID ${error.identifier} (HTTP ${error.status}): ${error.message}`;
    case "unknown-identifier":
      return `Mark ID unknown identifier ${error.identifier} (HTTP ${error.status}): ${error.message}`;
    case "http":
      return `Mark ID HTTP ${error.status} without identifier`;
    case "network":
      return `Mark ID unreachable: ${error.message}`;
    case "timeout":
      return `Mark ID did not answer within ${error.timeoutMs} ms`;
    case "schema-mismatch":
      return `Mark ID ${error.endpoint} reply does not match its schema: ${error.issues.map((i) => i.path).join(", ")}`;
    case "invalid-request":
      return `request to ${error.endpoint} rejected before sending: ${error.issues.map((i) => i.path).join(", ")}`;
    case "credentials-unavailable":
      return `Mark ID credentials unavailable: ${error.message}`;
  }
}
