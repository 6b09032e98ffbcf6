import { describeAwsError } from "../../aws/aws-error";
import type { OpenSession } from "../../aws/open-sessions";
import { DEFAULT_SAFETY_MARGIN_MS } from "../../resilience/execute";
import { reconcileSession } from "./session";
import type {
  ReconcileSessionsDependencies,
  ReconcileSessionsOptions,
  ReconcileSummary,
  RunScope,
  RunStop,
  SessionReport,
} from "./types";

/*
 * A reconciliation run (design.md §4.4), one concern per module:
 *
 *   the due sessions, oldest due first, at most RECONCILE_MAX_PER_RUN (open-sessions.ts `due`)
 *     → for each in turn, until the deadline (session.ts): a rate-limiter slot, claimAsk (which
 *       reschedules it, schedule.ts), POST /api/v2/status under the policy (ask-status.ts)
 *     → final: a reconciled delivery to the results queue; in progress: left for its next
 *       interval, or given up past RECONCILE_GIVE_UP_SECONDS (reply.ts)
 *     → a Mark ID failure every other call would share stops the run, with the policy's alert
 *       (failure.ts)
 *
 * One session at a time: the limiter paces the calls (a few seconds apart once its burst is
 * spent), so running several at once would only hold more sessions claimed while they wait.
 * The run never throws and never rejects: everything that happened is in the summary.
 */

export type * from "./types";

/** Added to the status call's timeout for the claim before it and the send or give-up after it. */
const STATE_CALLS_MS = 500;

export async function reconcileSessions(
  deps: ReconcileSessionsDependencies,
  options: ReconcileSessionsOptions,
): Promise<ReconcileSummary> {
  const safetyMarginMs = options.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
  const scope: RunScope = {
    deps,
    observer: options.observer ?? {},
    settings: {
      remainingTimeMs: options.remainingTimeMs,
      safetyMarginMs,
      startMarginMs: options.startMarginMs ?? safetyMarginMs + deps.config.MARKID_TIMEOUT_MS + STATE_CALLS_MS,
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      ...(options.random === undefined ? {} : { random: options.random }),
    },
  };
  const due = await deps.openSessions.due(deps.now(), deps.config.RECONCILE_MAX_PER_RUN);
  return due.match(
    (sessions) => runSessions(scope, sessions, options.cutoff),
    (error) => ({ ...tally(0), stoppedEarly: "state-unavailable" as const, detail: describeAwsError(error) }),
  );
}

type Counts = Omit<ReconcileSummary, "stoppedEarly" | "detail" | "alert">;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const tally = (due: number): Mutable<Counts> => ({
  due,
  asked: 0,
  final: 0,
  inProgress: 0,
  gaveUp: 0,
  skipped: 0,
  failed: 0,
});

const CUT_OFF = Symbol("cut off");
type Ended = { readonly report: SessionReport } | { readonly stop: RunStop };

async function runSessions(
  scope: RunScope,
  sessions: readonly OpenSession[],
  cutoff: Promise<void> | undefined,
): Promise<ReconcileSummary> {
  const counts = tally(sessions.length);
  let cutOff = false;
  const reached = (cutoff ?? new Promise<never>(() => undefined)).then((): typeof CUT_OFF => {
    cutOff = true;
    return CUT_OFF;
  });

  for (const session of sessions) {
    if (cutOff || scope.settings.remainingTimeMs() < scope.settings.startMarginMs) {
      return {
        ...counts,
        stoppedEarly: "deadline",
        detail: "no time left in the invocation for another session",
      };
    }
    const ended = await Promise.race([
      reconcileSession(scope, session).match(
        (report): Ended => ({ report }),
        (stop): Ended => ({ stop }),
      ),
      reached,
    ]);
    if (ended === CUT_OFF) {
      // The session in hand may still finish; this run cannot tell, so it is not counted as done.
      counts.failed += 1;
      scope.observer.onSession?.({
        scanRef: session.scanRef,
        requestId: session.requestId,
        outcome: "failed",
        attempts: 0,
        reason: "the invocation's cutoff came first",
      });
      return { ...counts, stoppedEarly: "deadline", detail: "the invocation's cutoff came during a session" };
    }
    if ("stop" in ended) return stopped(scope, counts, session, ended.stop);
    count(counts, ended.report);
    scope.observer.onSession?.(ended.report);
  }
  return { ...counts };
}

function stopped(
  scope: RunScope,
  counts: Mutable<Counts>,
  session: OpenSession,
  stop: RunStop,
): ReconcileSummary {
  if (stop.attempts > 0) counts.asked += 1;
  if (stop.sessionFailed) {
    counts.failed += 1;
    scope.observer.onSession?.({
      scanRef: session.scanRef,
      requestId: session.requestId,
      outcome: "failed",
      attempts: stop.attempts,
      reason: stop.detail,
    });
  }
  return {
    ...counts,
    stoppedEarly: stop.reason,
    detail: stop.detail,
    ...(stop.alert === undefined ? {} : { alert: stop.alert }),
  };
}

function count(counts: Mutable<Counts>, report: SessionReport): void {
  if (report.attempts > 0) counts.asked += 1;
  switch (report.outcome) {
    case "skipped":
      counts.skipped += 1;
      return;
    case "final":
      counts.final += 1;
      return;
    case "in-progress":
      counts.inProgress += 1;
      return;
    case "gave-up":
      counts.gaveUp += 1;
      return;
    case "failed":
      counts.failed += 1;
      return;
  }
}
