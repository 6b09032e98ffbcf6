import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import { describeMarkIdError } from "../../markid/errors";
import type { AlertType } from "../../messages";
import type { ExecutionFailure } from "../../resilience/execute";
import { alertSummary, failureEventDetails, markIdErrorLabel } from "../outcome";
import { publishFailureEvent } from "./publish";
import { warnOnFailure } from "./reports";
import type { VerificationRequest } from "./request";
import { DEFAULT_TOKEN_EXPIRY_SECONDS } from "./session";
import type { GivenBackOutcome, RecordOutcome, RecordReport, RecordScope } from "./types";

const OPERATION = "verification token creation";

/**
 * The token call failed past the policy's retries: release the claim when Mark ID made no token,
 * raise the decision's alert, then acknowledge with a failure event (the caller's data is wrong)
 * or give the record back (transient, alerting, or our bug: the queue redelivers, then the DLQ).
 */
export function onTokenFailed(
  scope: RecordScope,
  request: VerificationRequest,
  claimId: string,
  failure: ExecutionFailure,
): RecordOutcome {
  const { error, decision } = failure;
  const base = {
    messageId: scope.record.messageId,
    requestId: request.requestId,
    action: decision.action,
    identifier: markIdErrorLabel(error),
    attempts: failure.attempts,
  };
  if (failure.reason === "unknown-outcome") {
    return onUnknownOutcome(scope, request, claimId, {
      ...base,
      reason: `unknown outcome: ${describeMarkIdError(error)}`,
    });
  }
  // An error reply means Mark ID made no token, so the request may be tried again. A 2xx we could
  // not read did make one: the claim is kept, so a duplicate arriving before its lease ends spends
  // no further credit.
  const released = error.kind === "schema-mismatch" ? okAsync(undefined) : release(scope, request, claimId);
  return released
    .andThen(() =>
      decision.alert === null ? okAsync(undefined) : raiseAlert(scope, decision.alert, failure),
    )
    .andThen((alert): RecordOutcome => {
      if (decision.action === "token-limit") scope.tokenLimit.noteLimitReached();
      const withAlert = { ...base, ...(alert === undefined ? {} : { alert }) };
      if (decision.disposition === "give-back") {
        return errAsync({
          ...withAlert,
          outcome: "markid-failed",
          reason: `${failure.reason}: ${describeMarkIdError(error)}`,
        });
      }
      // The caller's data: Mark ID's message may quote it, so only the identifier and the field
      // paths are logged.
      const details = failureEventDetails(error);
      const fields = details.fields.length > 0 ? `: ${details.fields.join(", ")}` : "";
      return publishFailureEvent(
        scope,
        { requestId: request.requestId, clientId: request.clientId, ...details },
        { ...withAlert, outcome: "request-rejected", reason: `${details.reason}${fields}` },
      );
    });
}

/**
 * A reset or timeout after the token request was sent: Mark ID may have made a token
 * (MARKID_TOKEN_UNKNOWN_OUTCOME, README "Unknown outcomes").
 */
function onUnknownOutcome(
  scope: RecordScope,
  request: VerificationRequest,
  claimId: string,
  report: Omit<RecordReport, "outcome">,
): RecordOutcome {
  const { deps, observer } = scope;
  if (deps.config.MARKID_TOKEN_UNKNOWN_OUTCOME === "redeliver") {
    // Releasing lets the redelivery call Mark ID again: the chosen trade-off.
    return release(scope, request, claimId).andThen(() =>
      errAsync<never, RecordReport<GivenBackOutcome>>({ ...report, outcome: "unknown-outcome" }),
    );
  }
  // "fail": the requestId is closed, not released, so that neither a redelivery (the failure event
  // could not be published) nor a duplicate of the message spends a second credit; each is told
  // the same failure. It stays closed as long as a token made now could be used.
  const closed = deps.sessions.markOutcomeUnknown(
    request.requestId,
    unknownOutcomeTtl(scope, request),
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

/** Until when a token made by a call of unknown outcome could still be used (epoch seconds). */
function unknownOutcomeTtl(scope: RecordScope, request: VerificationRequest): number {
  const expiry = request.token.expiryTime;
  const seconds = typeof expiry === "number" && expiry > 0 ? expiry : DEFAULT_TOKEN_EXPIRY_SECONDS;
  return Math.ceil(scope.deps.now() / 1000) + seconds;
}

/** Drops the claim; on failure it lapses with its lease, and a redelivery before that is given back. */
function release(
  scope: RecordScope,
  request: VerificationRequest,
  claimId: string,
): ResultAsync<void, never> {
  return warnOnFailure(
    scope.deps.sessions.release(request.requestId, claimId),
    scope.observer,
    "could not release the claim",
  ).map(() => undefined);
}

/** The record is given back (or reported) anyway; its next occurrence raises the alert again. */
function raiseAlert(
  scope: RecordScope,
  type: AlertType,
  failure: ExecutionFailure,
): ResultAsync<{ readonly type: AlertType; readonly sent: boolean } | undefined, never> {
  return scope.deps.alerter
    .raise(type, alertSummary(type, failure, OPERATION))
    .map((raised): { readonly type: AlertType; readonly sent: boolean } | undefined => ({
      type,
      sent: raised.sent,
    }))
    .orElse((error) => {
      scope.observer.onWarning?.("could not raise the alert", { alert: type, code: error.code });
      return okAsync(undefined);
    });
}
