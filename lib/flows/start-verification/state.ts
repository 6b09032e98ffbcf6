import type { ResultAsync } from "neverthrow";
import { warnOnFailure } from "./reports";
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
  ).map(() => undefined);
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
  ).map(() => undefined);
}
