import { errAsync, okAsync, ResultAsync } from "neverthrow";
import { describeAwsError, type AwsError } from "../../aws/aws-error";
import type { OpenSession } from "../../aws/open-sessions";
import type { StatusResponse } from "../../markid/schemas/verification";
import type { ExecutionFailure } from "../../resilience/execute";
import { branch } from "../branch";
import { askStatus } from "./ask-status";
import { describeFailure, raisePolicyAlert, stopReasonOf } from "./failure";
import { isForAnotherScanRef, isInProgress, toReconciledEvent } from "./reply";
import { isPastGiveUp, nextIntervalSeconds } from "./schedule";
import type { RunScope, RunStop, SessionOutcome, SessionReport } from "./types";

/**
 * One due session (design.md §4.4): a rate-limiter slot, then the claim of its next ask (which
 * reschedules it one interval on, and fails when it closed or another run took it: a session
 * whose final result has arrived is never asked about), then POST /api/v2/status and what the
 * reply calls for. Ok: how the session ended; err: the run must stop (the session in hand stays
 * scheduled for its next interval).
 */
export function reconcileSession(scope: RunScope, session: OpenSession): ResultAsync<SessionReport, RunStop> {
  const { deps, settings } = scope;
  const waitMs = settings.remainingTimeMs() - settings.startMarginMs;
  const slot = waitMs < 0 ? Promise.resolve(false) : deps.limiter.acquireWithin(waitMs);
  return ResultAsync.fromSafePromise(slot).andThen((granted) => {
    if (!granted) {
      return errAsync<SessionReport, RunStop>({
        reason: "deadline",
        detail: "no time left for another status call within the rate limit",
        sessionFailed: false,
        attempts: 0,
      });
    }
    const interval = nextIntervalSeconds(session, deps.config);
    const nextDueAtSeconds = Math.floor(deps.now() / 1000) + interval;
    return deps.openSessions
      .claimAsk(session, nextDueAtSeconds, interval)
      .mapErr((error) => stateStop(error, 0))
      .andThen((claimed) => (claimed ? ask(scope, session) : okAsync(report(session, "skipped", 0))));
  });
}

function ask(scope: RunScope, session: OpenSession): ResultAsync<SessionReport, RunStop> {
  let attempts = 0;
  const asked = askStatus(scope, session.scanRef, (info) => {
    attempts = info.attempt;
    scope.observer.onAttempt?.(info);
  });
  return branch(
    asked,
    (reply) => onReply(scope, session, reply, attempts),
    (failure) => onFailure(scope, session, failure),
  );
}

function onReply(
  scope: RunScope,
  session: OpenSession,
  reply: StatusResponse,
  attempts: number,
): ResultAsync<SessionReport, RunStop> {
  const { deps } = scope;
  const receivedAtMs = deps.now();
  const overall = reply.status;
  if (isForAnotherScanRef(session, reply)) {
    return okAsync(
      report(session, "failed", attempts, { overall, reason: "the reply names another scanRef" }),
    );
  }
  if (overall.trim() === "") {
    return okAsync(report(session, "failed", attempts, { reason: "the reply has an empty status" }));
  }
  if (isInProgress(session, reply)) {
    return isPastGiveUp(session, receivedAtMs, deps.config)
      ? giveUp(scope, session, attempts, overall)
      : okAsync(report(session, "in-progress", attempts, { overall }));
  }
  // Final: the publisher dedupes it against a webhook's copy and closes the session.
  return deps.resultsQueue
    .send({ kind: "verification-result", event: toReconciledEvent(session, reply, receivedAtMs) })
    .map(() => report(session, "final", attempts, { overall }))
    .orElse((error) =>
      okAsync(
        report(session, "failed", attempts, {
          overall,
          reason: `results queue refused the result: ${describeAwsError(error)}`,
        }),
      ),
    );
}

function onFailure(
  scope: RunScope,
  session: OpenSession,
  failure: ExecutionFailure,
): ResultAsync<SessionReport, RunStop> {
  const stop = stopReasonOf(failure);
  if (stop === null) {
    // Mark ID refuses to look this scanRef up (it no longer knows it): past the give-up time,
    // asking on would not end differently.
    return isPastGiveUp(session, scope.deps.now(), scope.deps.config)
      ? giveUp(scope, session, failure.attempts)
      : okAsync(report(session, "failed", failure.attempts, { reason: describeFailure(failure) }));
  }
  return raisePolicyAlert(scope, failure).andThen((alert) =>
    errAsync<SessionReport, RunStop>({
      reason: stop,
      detail: describeFailure(failure),
      sessionFailed: true,
      attempts: failure.attempts,
      ...(alert === undefined ? {} : { alert }),
    }),
  );
}

function giveUp(
  scope: RunScope,
  session: OpenSession,
  attempts: number,
  overall?: string,
): ResultAsync<SessionReport, RunStop> {
  return scope.deps.openSessions
    .giveUp(session.scanRef, scope.deps.now())
    .map(() => report(session, "gave-up", attempts, overall === undefined ? {} : { overall }))
    .mapErr((error) => stateStop(error, attempts));
}

function stateStop(error: AwsError, attempts: number): RunStop {
  return {
    reason: "state-unavailable",
    detail: describeAwsError(error),
    sessionFailed: true,
    attempts,
  };
}

function report(
  session: OpenSession,
  outcome: SessionOutcome,
  attempts: number,
  extra: Pick<SessionReport, "overall" | "reason"> = {},
): SessionReport {
  return { scanRef: session.scanRef, requestId: session.requestId, outcome, attempts, ...extra };
}
