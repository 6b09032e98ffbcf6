import { isTokenLimitReached, type ApiError, type HttpStatusError, type MarkIdError } from "../markid/errors";
import type { KnownIdentifier } from "../markid/identifiers";
import type { AlertType } from "../messages";

/**
 * The error policy of design.md §3 as data: every MarkIdError maps to one decision, and the
 * compiler checks that every identifier, HTTP status class and error kind has one. Flows read the
 * decision instead of matching on errors themselves, so the policy lives in one place and the
 * generated docs/policy-table.md (scripts/policy-table.ts) cannot disagree with the code.
 */

export type PolicyAction =
  /** Transient (Mark ID failing, unreachable, slow, or rate limiting us): retry with backoff. */
  | "retry"
  /** The key pair was refused: re-read it, retry once if it changed. */
  | "refresh-credentials"
  /** No verification credits left: wait for the top-up. */
  | "token-limit"
  /** The contract or account forbids the call: an operator must act. */
  | "permission-denied"
  /** The caller's data is wrong: tell the caller through a failure event. */
  | "reject-request"
  /** Our bug or API drift: keep the event for replay after the fix. */
  | "client-error"
  /** Secrets Manager did not give us the key pair (the SDK already retried). */
  | "credentials-unavailable";

/**
 * What happens to the event (SQS record, webhook delivery) once the flow stops.
 * - acknowledge-with-failure-event: publish `verification.failed`, then acknowledge;
 * - give-back: report it in `batchItemFailures` (or reply 5xx) so the source redelivers it; the
 *   queue's redrive policy moves it to the DLQ after its receive limit. Transient and permanent
 *   failures take the same path: what tells them apart for an operator is the alert.
 */
export type Disposition = "acknowledge-with-failure-event" | "give-back";

/** Which base delay a retry uses; the rate-limited one is longer (design.md §3). */
type BackoffClass = "standard" | "rate-limited";

export interface PolicyDecision {
  readonly action: PolicyAction;
  /**
   * How executeWithPolicy repeats the call inside the invocation; null when it does not repeat it
   * with backoff ("refresh-credentials" repeats it once, at once, if the credentials changed).
   */
  readonly backoff: BackoffClass | null;
  /** The alert to raise when the flow stops on this error (alerts are deduplicated per window). */
  readonly alert: AlertType | null;
  readonly disposition: Disposition;
}

export const DECISIONS = {
  transient: {
    action: "retry",
    backoff: "standard",
    alert: null,
    disposition: "give-back",
  },
  rateLimited: {
    action: "retry",
    backoff: "rate-limited",
    alert: null,
    disposition: "give-back",
  },
  refreshCredentials: {
    action: "refresh-credentials",
    backoff: null,
    alert: "markid.credentials-invalid",
    disposition: "give-back",
  },
  tokenLimit: {
    action: "token-limit",
    backoff: null,
    alert: "markid.token-limit-reached",
    disposition: "give-back",
  },
  permissionDenied: {
    action: "permission-denied",
    backoff: null,
    alert: "markid.permission-denied",
    disposition: "give-back",
  },
  rejectRequest: {
    action: "reject-request",
    backoff: null,
    alert: null,
    disposition: "acknowledge-with-failure-event",
  },
  clientError: {
    action: "client-error",
    backoff: null,
    alert: "markid.client-error",
    disposition: "give-back",
  },
  // No alert: the per-event path cannot tell a blip from an outage, and redeliveries end in the
  // DLQ (whose depth is alarmed); the scheduled credential check alerts on a lasting failure.
  credentialsUnavailable: {
    action: "credentials-unavailable",
    backoff: null,
    alert: null,
    disposition: "give-back",
  },
} as const satisfies Record<string, PolicyDecision>;

type IdentifierRule = (error: ApiError) => PolicyDecision;
const always =
  (decision: PolicyDecision): IdentifierRule =>
  () =>
    decision;

/**
 * One rule per identifier. The annotation makes a missing (or misspelt) key a compile error, so
 * adding an identifier to KNOWN_IDENTIFIERS fails the build until the policy decides.
 */
const IDENTIFIER_RULES: Readonly<Record<KnownIdentifier, IdentifierRule>> = {
  INTERNAL_ERROR: always(DECISIONS.transient),
  TOO_MANY_REQUESTS: always(DECISIONS.rateLimited),
  UNAUTHORIZED: always(DECISIONS.refreshCredentials),
  PERMISSIONS_ERROR: (error) =>
    isTokenLimitReached(error) ? DECISIONS.tokenLimit : DECISIONS.permissionDenied,
  PARTNER_CONTRACT_ERROR: always(DECISIONS.permissionDenied),
  BAD_VALUE: always(DECISIONS.rejectRequest),
  MISSING_VALUE: always(DECISIONS.rejectRequest),
  VALIDATION_ERROR: always(DECISIONS.rejectRequest),
  // The only documented PARTNER_ERROR ("Token has not expired yet." from /delete) refuses the
  // request in the resource's current state: retrying now cannot help and nothing is broken on
  // our side, so the caller is told through a failure event.
  PARTNER_ERROR: always(DECISIONS.rejectRequest),
  JSON_ERROR: always(DECISIONS.clientError),
  ENCODING_ERROR: always(DECISIONS.clientError),
  METHOD_NOT_ALLOWED: always(DECISIONS.clientError),
  // No flow holds a token of its own (design.md §3's "create a fresh token once" has no flow to
  // apply to): a token Mark ID refuses came with the caller's data.
  TOKEN_NOT_VALID: always(DECISIONS.rejectRequest),
};

/** HTTP statuses without an identifier, grouped the way the policy treats them. */
export const STATUS_CLASSES = [
  "401",
  "402",
  "403",
  "404",
  "408",
  "429",
  "5xx",
  "other-4xx",
  "other",
] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

export function statusClassOf(status: number): StatusClass {
  switch (status) {
    case 401:
    case 402:
    case 403:
    case 404:
    case 408:
    case 429:
      return String(status) as StatusClass;
  }
  if (status >= 500 && status <= 599) return "5xx";
  if (status >= 400 && status <= 499) return "other-4xx";
  return "other";
}

const STATUS_RULES: Readonly<Record<StatusClass, PolicyDecision>> = {
  "401": DECISIONS.refreshCredentials,
  // iDenfy: "Action not allowed due to lack of funds or exceeded limit." — the token limit.
  "402": DECISIONS.tokenLimit,
  "403": DECISIONS.permissionDenied,
  // We only call documented endpoints: a 404 means a wrong base URL or path, i.e. our bug or drift.
  "404": DECISIONS.clientError,
  // The server gave up waiting for our request before processing it: safe to send again.
  "408": DECISIONS.transient,
  "429": DECISIONS.rateLimited,
  "5xx": DECISIONS.transient,
  // 400 without an identifier, 405, 409, 413...: a request we built wrongly or an API we misread.
  "other-4xx": DECISIONS.clientError,
  // A 3xx we did not follow or an unexpected 1xx/2xx error path: the base URL or the API drifted.
  other: DECISIONS.clientError,
};

function decideHttp(error: HttpStatusError): PolicyDecision {
  return STATUS_RULES[statusClassOf(error.status)];
}

/**
 * The decision for an error (design.md §3). The identifier, when Mark ID gave one, wins over the
 * HTTP status.
 */
export function decide(error: MarkIdError): PolicyDecision {
  switch (error.kind) {
    case "api":
      return IDENTIFIER_RULES[error.identifier](error);
    case "http":
      return decideHttp(error);
    // Whether a network error or timeout on a credit-spending call may be retried is decided by
    // executeWithPolicy (isCreditSpending), not here: the error is transient either way.
    case "network":
    case "timeout":
      return DECISIONS.transient;
    case "schema-mismatch":
    case "unknown-identifier":
      return DECISIONS.clientError;
    case "invalid-request":
      return DECISIONS.rejectRequest;
    case "credentials-unavailable":
      return DECISIONS.credentialsUnavailable;
    default: {
      // A new kind fails to compile here. At run time a value from outside the type system is our
      // bug or drift: treated like one rather than thrown (lib/ never throws across its boundary).
      const unhandled: never = error;
      void unhandled;
      return DECISIONS.clientError;
    }
  }
}

/**
 * The fields to name in a `verification.failed` event. Only paths we know structurally: Mark ID's
 * message text may mention a field, but it is not stable, so it is not parsed.
 */
export function failedFields(error: MarkIdError): readonly string[] {
  switch (error.kind) {
    case "invalid-request":
    case "schema-mismatch":
      return error.issues.map((issue) => issue.path);
    case "api":
    case "unknown-identifier":
    case "http":
    case "network":
    case "timeout":
    case "credentials-unavailable":
      return [];
  }
}

/** One line per action, for the generated table and for logs. */
export const ACTION_DESCRIPTIONS: Readonly<Record<PolicyAction, string>> = {
  retry:
    "retry with capped exponential backoff and full jitter within the deadline and retry budget; then give back",
  "refresh-credentials":
    "re-read the key pair from Secrets Manager; retry once if it changed; else alert and give back",
  "token-limit": "no retry; alert once per window; give back so the event is redriven after the top-up",
  "permission-denied": "no retry; alert; give back, so it ends in the DLQ",
  "reject-request": "no retry; publish verification.failed naming the fields; acknowledge",
  "client-error": "no retry; alert; give back, so it ends in the DLQ for replay after the fix",
  "credentials-unavailable": "no retry here (the AWS SDK already retried); give back; never swallow",
};
