import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import { describeMarkIdError } from "../../markid/errors";
import type { AlertType } from "../../messages";
import type { ExecutionFailure } from "../../resilience/execute";
import { alertSummary, failureEventDetails, markIdErrorLabel } from "../outcome";
import { publishFailureEvent } from "./publish";
import type { VerificationRequest } from "./request";
import { holdClaim, releaseClaim } from "./state";
import type { RecordOutcome, RecordScope } from "./types";
import { onUnknownOutcome } from "./unknown-outcome";

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
  // not read did make one: the claim is held while that token could be used, so no delivery of the
  // request spends a further credit (a late duplicate once found the lease over and did).
  const released =
    error.kind === "schema-mismatch"
      ? holdClaim(scope, request, claimId)
      : releaseClaim(scope, request.requestId, claimId);
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
