/**
 * Type-level tests, checked by `tsc --noEmit` and never run: each `@ts-expect-error` fails the
 * type check if the line below it stops being an error, so these prove that the policy's
 * exhaustiveness is enforced by the compiler, not by convention.
 */
import type { MarkIdError } from "../../lib/markid/errors";
import type { KnownIdentifier } from "../../lib/markid/identifiers";
import { matchIdentifier } from "../../lib/markid/identifiers";
import { DECISIONS, type PolicyDecision, type StatusClass } from "../../lib/resilience/policy";

type IdentifierPolicy = Readonly<Record<KnownIdentifier, PolicyDecision>>;

// The full table compiles...
export const complete: IdentifierPolicy = {
  INTERNAL_ERROR: DECISIONS.transient,
  TOO_MANY_REQUESTS: DECISIONS.rateLimited,
  UNAUTHORIZED: DECISIONS.refreshCredentials,
  PERMISSIONS_ERROR: DECISIONS.permissionDenied,
  PARTNER_CONTRACT_ERROR: DECISIONS.permissionDenied,
  BAD_VALUE: DECISIONS.rejectRequest,
  MISSING_VALUE: DECISIONS.rejectRequest,
  VALIDATION_ERROR: DECISIONS.rejectRequest,
  PARTNER_ERROR: DECISIONS.rejectRequest,
  JSON_ERROR: DECISIONS.clientError,
  ENCODING_ERROR: DECISIONS.clientError,
  METHOD_NOT_ALLOWED: DECISIONS.clientError,
  TOKEN_NOT_VALID: DECISIONS.rejectRequest,
};

// ...one missing an identifier does not.
// @ts-expect-error Property 'TOKEN_NOT_VALID' is missing
export const missingOne: IdentifierPolicy = {
  INTERNAL_ERROR: DECISIONS.transient,
  TOO_MANY_REQUESTS: DECISIONS.rateLimited,
  UNAUTHORIZED: DECISIONS.refreshCredentials,
  PERMISSIONS_ERROR: DECISIONS.permissionDenied,
  PARTNER_CONTRACT_ERROR: DECISIONS.permissionDenied,
  BAD_VALUE: DECISIONS.rejectRequest,
  MISSING_VALUE: DECISIONS.rejectRequest,
  VALIDATION_ERROR: DECISIONS.rejectRequest,
  PARTNER_ERROR: DECISIONS.rejectRequest,
  JSON_ERROR: DECISIONS.clientError,
  ENCODING_ERROR: DECISIONS.clientError,
  METHOD_NOT_ALLOWED: DECISIONS.clientError,
};

// What adding an identifier to KNOWN_IDENTIFIERS does to the policy's table: the same object
// no longer satisfies the wider Record until it decides for the newcomer.
type WithNewIdentifier = KnownIdentifier | "RATE_PLAN_EXPIRED";
// @ts-expect-error Property 'RATE_PLAN_EXPIRED' is missing
export const afterAddingOne: Readonly<Record<WithNewIdentifier, PolicyDecision>> = { ...complete };

// A misspelt key is refused too (excess property check on the literal).
export const misspelt: IdentifierPolicy = {
  ...complete,
  // @ts-expect-error Object literal may only specify known properties
  INTERNAL_EROR: DECISIONS.transient,
};

// The same holds for the matcher flows may use instead of a Record.
export const viaMatcher = (identifier: KnownIdentifier): string =>
  // @ts-expect-error Property 'PARTNER_ERROR' is missing
  matchIdentifier(identifier, {
    INTERNAL_ERROR: () => "retry",
    TOO_MANY_REQUESTS: () => "retry",
    UNAUTHORIZED: () => "refresh",
    PERMISSIONS_ERROR: () => "deny",
    PARTNER_CONTRACT_ERROR: () => "deny",
    BAD_VALUE: () => "reject",
    MISSING_VALUE: () => "reject",
    VALIDATION_ERROR: () => "reject",
    JSON_ERROR: () => "bug",
    ENCODING_ERROR: () => "bug",
    METHOD_NOT_ALLOWED: () => "bug",
    TOKEN_NOT_VALID: () => "renew",
  });

// Status classes: a table without the 5xx class does not compile.
// @ts-expect-error Property '5xx' is missing
export const statusesMissingOne: Readonly<Record<StatusClass, PolicyDecision>> = {
  "401": DECISIONS.refreshCredentials,
  "402": DECISIONS.tokenLimit,
  "403": DECISIONS.permissionDenied,
  "404": DECISIONS.clientError,
  "408": DECISIONS.transient,
  "429": DECISIONS.rateLimited,
  "other-4xx": DECISIONS.clientError,
  other: DECISIONS.clientError,
};

// Error kinds: the `never` check policy.ts uses rejects a union with a kind left undecided.
type WithNewKind = MarkIdError | { readonly kind: "quota-warning" };
export function decideKind(error: WithNewKind): string {
  // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- left incomplete on purpose: tsc must catch it
  switch (error.kind) {
    case "api":
    case "unknown-identifier":
    case "http":
    case "network":
    case "timeout":
    case "schema-mismatch":
    case "invalid-request":
    case "credentials-unavailable":
      return error.kind;
    default: {
      // @ts-expect-error Type '{ kind: "quota-warning"; }' is not assignable to type 'never'
      const unhandled: never = error;
      return String(unhandled);
    }
  }
}

// A decision must name a disposition from the closed set.
export const badDisposition: PolicyDecision = {
  ...DECISIONS.transient,
  // @ts-expect-error '"drop"' is not assignable to type 'Disposition'
  disposition: "drop",
};
