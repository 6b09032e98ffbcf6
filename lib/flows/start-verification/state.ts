import type { ResultAsync } from "neverthrow";
import { warnOnFailure } from "./reports";
import type { VerificationRequest } from "./request";
import { DEFAULT_TOKEN_EXPIRY_SECONDS } from "./session";
import type { RecordScope } from "./types";

/*
 * Writes to the idempotency record that do not decide the record's outcome: their failure is a
 * warning, and the record goes on.
 */

/** Remembers that the session's event is out; at worst a redelivery publishes it once more. */
export function markPublished(scope: RecordScope, requestId: string): ResultAsync<void, never> {
  return warnOnFailure(
    scope.deps.sessions.markPublished(requestId),
    scope.observer,
    "could not mark the session as published",
  );
}

/** Drops the claim; on failure it lapses with its lease, and a redelivery before that is given back. */
export function releaseClaim(
  scope: RecordScope,
  requestId: string,
  claimId: string,
): ResultAsync<void, never> {
  return warnOnFailure(
    scope.deps.sessions.release(requestId, claimId),
    scope.observer,
    "could not release the claim",
  );
}

/**
 * Keeps the claim while the token Mark ID made could be used: its reply could not be read, so
 * the token is real but unknown to us, and another one would spend a second credit for the same
 * request (design.md §3). Redeliveries and duplicates find the requestId held and end in the DLQ.
 */
export function holdClaim(
  scope: RecordScope,
  request: VerificationRequest,
  claimId: string,
): ResultAsync<void, never> {
  return warnOnFailure(
    scope.deps.sessions.holdClaim(request.requestId, claimId, tokenUsableUntilMs(scope, request)),
    scope.observer,
    "could not hold the claim of an unreadable token; a delivery after its lease may make a second one",
  );
}

/** Until when a token made for this request could still be used (epoch ms). */
export function tokenUsableUntilMs(scope: RecordScope, request: VerificationRequest): number {
  const expiry = request.token.expiryTime;
  const seconds = typeof expiry === "number" && expiry > 0 ? expiry : DEFAULT_TOKEN_EXPIRY_SECONDS;
  return scope.deps.now() + seconds * 1000;
}
