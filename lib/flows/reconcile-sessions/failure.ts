import { okAsync, type ResultAsync } from "neverthrow";
import type { Alerter } from "../../aws/alerts";
import { describeAwsError } from "../../aws/aws-error";
import { describeMarkIdError } from "../../markid/errors";
import type { AlertType } from "../../messages";
import type { ExecutionFailure } from "../../resilience/execute";
import { alertSummary } from "../outcome";
import type { RaisedAlert, StopReason } from "./types";

const OPERATION = "session reconciliation (POST /api/v2/status)";

/**
 * What a status call that failed past the policy means for the run: null when it concerns this
 * session alone (Mark ID refused the lookup: BAD_VALUE for a scanRef it no longer knows), else why
 * the run stops, since every further call would fail alike (Mark ID down, the key pair refused,
 * the account blocked, our bug). The session stays scheduled for its next interval either way.
 */
export function stopReasonOf(failure: ExecutionFailure): StopReason | null {
  switch (failure.decision.action) {
    case "reject-request":
      return null;
    case "retry":
      return failure.reason === "deadline" ? "deadline" : "unavailable";
    case "refresh-credentials":
      return "credentials-invalid";
    case "token-limit":
    case "permission-denied":
    case "client-error":
    case "credentials-unavailable":
      return failure.decision.action;
  }
}

/** A log-safe line: why the call stopped, after how many calls, and what Mark ID said. */
export function describeFailure(failure: ExecutionFailure): string {
  return `${failure.reason} after ${failure.attempts} call(s): ${describeMarkIdError(failure.error)}`;
}

/**
 * Raises the policy's alert for the failure, if it has one; an alert that cannot be recorded is
 * reported, not fatal. `operation` names the call in the alert (default: the status call).
 */
export function raisePolicyAlert(
  scope: { readonly deps: { readonly alerter: Pick<Alerter, "raise"> } },
  failure: ExecutionFailure,
  operation: string = OPERATION,
): ResultAsync<RaisedAlert | undefined, never> {
  const type = failure.decision.alert;
  if (type === null) return okAsync(undefined);
  return scope.deps.alerter
    .raise(type, summaryOf(type, failure, operation))
    .map(({ sent }): RaisedAlert | undefined => ({ type, sent }))
    .orElse((error) => okAsync({ type, sent: false, error: describeAwsError(error) }));
}

function summaryOf(type: AlertType, failure: ExecutionFailure, operation: string): string {
  // The shared text speaks of events waiting in the queue; a run's sessions wait in the index.
  return type === "markid.token-limit-reached"
    ? `Mark ID token limit reached: ${operation} stops until the account is topped up`
    : alertSummary(type, failure, operation);
}
