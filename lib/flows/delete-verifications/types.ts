import type { Alerter } from "../../aws/alerts";
import type { DueDeletionStore } from "../../aws/due-deletions";
import type { Notifier } from "../../aws/notifier";
import type { Config } from "../../config";
import type { AttemptInfo } from "../../resilience/execute";
import type { RateLimiter } from "../../resilience/rate-limiter";
import type { RaisedAlert, StopReason } from "../run-stop";
import type { MarkIdCallDependencies } from "../call-markid";

/** What a deletion run needs: the reconciler's dependencies, with the events topic and the deletion queue. */
export interface DeleteVerificationsDependencies extends MarkIdCallDependencies {
  readonly config: Pick<Config, "MARKID_TIMEOUT_MS" | "MARKID_RETENTION_SECONDS" | "RECONCILE_MAX_PER_RUN">;
  readonly dueDeletions: DueDeletionStore;
  readonly notifier: Pick<Notifier, "publishEvent">;
  readonly alerter: Pick<Alerter, "raise">;
  /** The reconciler's share of the account's rate: its status calls and these deletions share it. */
  readonly limiter: RateLimiter;
  readonly now: () => number;
}

export interface DeleteVerificationsOptions {
  /** The invocation's deadline (context.getRemainingTimeInMillis). */
  readonly remainingTimeMs: () => number;
  /** Resolves when the invocation must answer: the run stops there. */
  readonly cutoff?: Promise<void>;
  /** A deletion is not started with less time left (default: safety margin + MARKID_TIMEOUT_MS + 500 ms). */
  readonly startMarginMs?: number;
  /** Kept free at the end of the invocation for the publish and the write after it (default 1000 ms). */
  readonly safetyMarginMs?: number;
  readonly observer?: DeletionObserver;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** How one due deletion ended in this run. */
export type DeletionOutcome =
  /** Deleted at Mark ID and verification.deleted published: out of the queue. */
  | "deleted"
  /** Mark ID answered "Token has not expired yet.": tried again after the token's expiry. */
  | "not-yet"
  /** Done, or taken by another run, since the queue was read. */
  | "skipped"
  /** Not done this time (Mark ID refused, the event could not be published): tried again later. */
  | "failed"
  /** Not deleted after every attempt: out of the queue (VerificationDeletesGivenUp). */
  | "gave-up";

/** One deletion's ending, for the log (identifiers only: never the clientId). */
export interface DeletionReport {
  readonly scanRef: string;
  readonly requestId: string;
  readonly outcome: DeletionOutcome;
  /** Delete calls made for it in this run. */
  readonly attempts: number;
  readonly reason?: string;
}

export interface DeletionObserver {
  /** Every delete call (MarkIdCall). */
  readonly onAttempt?: (info: AttemptInfo) => void;
  readonly onDeletion?: (report: DeletionReport) => void;
}

/** The deletion phase of a reconciler run. Every field is log-safe. */
export interface DeletionSummary {
  /** Deletions due when the phase began (at most RECONCILE_MAX_PER_RUN). */
  readonly due: number;
  readonly deleted: number;
  readonly notYet: number;
  readonly skipped: number;
  readonly failed: number;
  readonly gaveUp: number;
  /** Set when the phase stopped before the end of its due deletions; the rest stay due. */
  readonly stoppedEarly?: StopReason;
  readonly detail?: string;
  readonly alert?: RaisedAlert;
}
