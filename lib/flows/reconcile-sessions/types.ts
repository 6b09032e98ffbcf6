import type { Alerter } from "../../aws/alerts";
import type { OpenSessionStore } from "../../aws/open-sessions";
import type { ResultsQueue } from "../../aws/results-queue";
import type { Config } from "../../config";
import type { DeletionSummary } from "../delete-verifications/types";
import type { RaisedAlert, StopReason } from "../run-stop";
import type { AttemptInfo } from "../../resilience/execute";
import type { RateLimiter } from "../../resilience/rate-limiter";
import type { MarkIdCallDependencies } from "../call-markid";

/** What a reconciliation run needs; the runtime's reconcileSessionsDependencies provide it. */
export interface ReconcileSessionsDependencies extends MarkIdCallDependencies {
  readonly config: Pick<
    Config,
    "MARKID_TIMEOUT_MS" | "RECONCILE_AFTER_SECONDS" | "RECONCILE_MAX_PER_RUN" | "RECONCILE_GIVE_UP_SECONDS"
  >;
  readonly openSessions: Pick<OpenSessionStore, "due" | "claimAsk" | "giveUp">;
  readonly resultsQueue: ResultsQueue;
  readonly alerter: Pick<Alerter, "raise">;
  /** The reconciler's own share of the account's rate (reconcilerRateLimiter). */
  readonly limiter: RateLimiter;
  readonly now: () => number;
}

export interface ReconcileSessionsOptions {
  /** The invocation's deadline (context.getRemainingTimeInMillis). */
  readonly remainingTimeMs: () => number;
  /** Resolves when the invocation must answer (the handler frame's cutoff): the run stops there. */
  readonly cutoff?: Promise<void>;
  /** A session is not started with less time left (default: safety margin + MARKID_TIMEOUT_MS + 500 ms). */
  readonly startMarginMs?: number;
  /** Kept free at the end of the invocation for the queue send (default 1000 ms). */
  readonly safetyMarginMs?: number;
  readonly observer?: ReconcileObserver;
  /** Backoff sleep and jitter, for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** How one due session ended in this run. */
export type SessionOutcome =
  /** Closed, or taken by another run, since `due` read it: not asked about. */
  | "skipped"
  /** A final status: sent to the results queue as a reconciled delivery. */
  | "final"
  /** Still ACTIVE or REVIEWING: asked again one (doubled) interval later. */
  | "in-progress"
  /** Still not final RECONCILE_GIVE_UP_SECONDS after its token expired: out of the index for good. */
  | "gave-up"
  /** Not reconciled this time (Mark ID refused the lookup, the queue refused the send...): asked again when next due. */
  | "failed";

/** One session's ending, for the log (identifiers only: never the clientId). */
export interface SessionReport {
  readonly scanRef: string;
  readonly requestId: string;
  readonly outcome: SessionOutcome;
  /** The status Mark ID gave, when it answered. */
  readonly overall?: string;
  /** Status calls made for it in this run. */
  readonly attempts: number;
  /** Why it failed (log-safe). */
  readonly reason?: string;
}

/** Told what happens during a run, for logs and metrics. */
export interface ReconcileObserver {
  /** Every status call (ReconcileStatusCalls). */
  readonly onAttempt?: (info: AttemptInfo) => void;
  /** Every session the run reached, with how it ended (SessionsGivenUp for `gave-up`). */
  readonly onSession?: (report: SessionReport) => void;
}

/** What the scheduled run returns and logs. Every field is log-safe. */
export interface ReconcileSummary {
  /** Sessions due when the run began (at most RECONCILE_MAX_PER_RUN). */
  readonly due: number;
  /** Sessions a status call was made for. */
  readonly asked: number;
  readonly final: number;
  readonly inProgress: number;
  readonly gaveUp: number;
  readonly skipped: number;
  readonly failed: number;
  /** Set when the run stopped before the end of its due sessions; the rest stay due. */
  readonly stoppedEarly?: StopReason;
  /** What stopped it (log-safe). */
  readonly detail?: string;
  /** The alert raised for what stopped it; `sent: false` when folded into an open one. */
  readonly alert?: RaisedAlert;
  /** The retention phase (delete-verifications), when it ran: only after a run that was not stopped. */
  readonly deletions?: DeletionSummary;
}

export type { RaisedAlert, RunStop, StopReason } from "../run-stop";

/** What every step knows about the run. */
export interface RunScope {
  readonly deps: ReconcileSessionsDependencies;
  readonly settings: RunSettings;
  readonly observer: ReconcileObserver;
}

interface RunSettings {
  readonly remainingTimeMs: () => number;
  readonly startMarginMs: number;
  readonly safetyMarginMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}
