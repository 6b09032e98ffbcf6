import { errAsync } from "neverthrow";
import { publishFailureEvent } from "./publish";
import { warnOnFailure } from "./reports";
import type { VerificationRequest } from "./request";
import { releaseClaim, tokenUsableUntilMs } from "./state";
import type { GivenBackOutcome, RecordOutcome, RecordReport, RecordScope } from "./types";

/**
 * A reset or timeout after the token request was sent: Mark ID may have made a token
 * (MARKID_TOKEN_UNKNOWN_OUTCOME, README "Unknown outcomes").
 */
export function onUnknownOutcome(
  scope: RecordScope,
  request: VerificationRequest,
  claimId: string,
  report: Omit<RecordReport, "outcome">,
): RecordOutcome {
  const { deps, observer } = scope;
  if (deps.config.MARKID_TOKEN_UNKNOWN_OUTCOME === "redeliver") {
    // Releasing lets the redelivery call Mark ID again: the chosen trade-off.
    return releaseClaim(scope, request.requestId, claimId).andThen(() =>
      errAsync<never, RecordReport<GivenBackOutcome>>({ ...report, outcome: "unknown-outcome" }),
    );
  }
  // "fail": the requestId is closed, not released, so that neither a redelivery (the failure event
  // could not be published) nor a duplicate of the message spends a second credit; each is told
  // the same failure. It stays closed as long as a token made now could be used.
  const closed = deps.sessions.markOutcomeUnknown(
    request.requestId,
    Math.ceil(tokenUsableUntilMs(scope, request) / 1000),
    claimId,
  );
  return warnOnFailure(
    closed,
    observer,
    "could not record the unknown outcome; a redelivery may call Mark ID again",
  ).andThen(() => publishUnknownOutcome(scope, request, report));
}

/** verification.failed (unknown-outcome), then acknowledge. */
export function publishUnknownOutcome(
  scope: RecordScope,
  request: VerificationRequest,
  report: Omit<RecordReport, "outcome">,
): RecordOutcome {
  return publishFailureEvent(
    scope,
    { requestId: request.requestId, clientId: request.clientId, reason: "unknown-outcome", fields: [] },
    { ...report, outcome: "unknown-outcome-failed" },
  );
}
