import { errAsync, okAsync, ResultAsync } from "neverthrow";
import { describeAwsError, type AwsError } from "../../aws/aws-error";
import type { DueDeletion } from "../../aws/due-deletions";
import { deleteEndpoint } from "../../markid/endpoints";
import type { MarkIdError } from "../../markid/errors";
import type { VerificationDeletedEvent } from "../../messages";
import { DEFAULT_SAFETY_MARGIN_MS, type ExecutionFailure } from "../../resilience/execute";
import { branch } from "../branch";
import { callMarkId } from "../call-markid";
import { firstSlotTaken } from "../reconcile-sessions/ask-status";
import { describeFailure, raisePolicyAlert, stopReasonOf } from "../reconcile-sessions/failure";
import type { RunStop } from "../run-stop";
import type {
  DeleteVerificationsDependencies,
  DeleteVerificationsOptions,
  DeletionObserver,
  DeletionOutcome,
  DeletionReport,
  DeletionSummary,
} from "./types";

export type * from "./types";

/*
 * Retention at Mark ID (design.md §4.5): the reconciler's second phase. Finished sessions whose
 * retention period has passed (due-deletions.ts), oldest due first, at most RECONCILE_MAX_PER_RUN:
 *
 *   a rate-limiter slot (the reconciler's share, which its status calls use too)
 *     → claim, which reschedules the deletion (later of: a backoff from one hour, doubling to a
 *       day; a quarter of an hour after the token's expiry, before which Mark ID refuses)
 *     → POST /api/v2/delete under the error policy
 *     → deleted: verification.deleted published, the item closed. The publish failing leaves the
 *       deletion recorded: the next attempt publishes without calling Mark ID again.
 *     → "Token has not expired yet." (PARTNER_ERROR): left for its rescheduled time
 *     → refused for this session alone: left for its rescheduled time; given up after
 *       MAX_DELETE_ATTEMPTS claims (logged, VerificationDeletesGivenUp)
 *     → a failure every call would share (outage, key pair, our bug): the run stops with the
 *       policy's alert, the rest stay due
 *
 * Off (MARKID_RETENTION_SECONDS 0) the phase does nothing, not even for deletions queued while it
 * was on: a deletion at Mark ID cannot be undone, so only a deployment that wants it makes one.
 */

export const MAX_DELETE_ATTEMPTS = 12;
const FIRST_RETRY_SECONDS = 3600;
const MAX_RETRY_SECONDS = 86_400;
/** Mark ID's clock and ours may differ: a deletion is not tried before this long after the token's expiry. */
const AFTER_EXPIRY_SECONDS = 900;
const STATE_CALLS_MS = 500;
const OPERATION = "verification data deletion (POST /api/v2/delete)";

interface Scope {
  readonly deps: DeleteVerificationsDependencies;
  readonly options: DeleteVerificationsOptions;
  readonly observer: DeletionObserver;
  readonly startMarginMs: number;
  readonly safetyMarginMs: number;
}

type Ended = { readonly report: DeletionReport } | { readonly stop: RunStop };
type Counts = { -readonly [K in keyof Omit<DeletionSummary, "stoppedEarly" | "detail" | "alert">]: number };
const CUT_OFF = Symbol("cut off");

/** One deletion phase; never throws or rejects: everything that happened is in the summary. */
export async function deleteDueVerifications(
  deps: DeleteVerificationsDependencies,
  options: DeleteVerificationsOptions,
): Promise<DeletionSummary> {
  const counts: Counts = { due: 0, deleted: 0, notYet: 0, skipped: 0, failed: 0, gaveUp: 0 };
  if (deps.config.MARKID_RETENTION_SECONDS <= 0) return counts;
  const safetyMarginMs = options.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
  const scope: Scope = {
    deps,
    options,
    observer: options.observer ?? {},
    safetyMarginMs,
    startMarginMs: options.startMarginMs ?? safetyMarginMs + deps.config.MARKID_TIMEOUT_MS + STATE_CALLS_MS,
  };
  const due = await deps.dueDeletions.due(deps.now(), deps.config.RECONCILE_MAX_PER_RUN);
  return due.match(
    (deletions) => runDeletions(scope, counts, deletions),
    (error): DeletionSummary => ({
      ...counts,
      stoppedEarly: "state-unavailable",
      detail: describeAwsError(error),
    }),
  );
}

async function runDeletions(
  scope: Scope,
  counts: Counts,
  deletions: readonly DueDeletion[],
): Promise<DeletionSummary> {
  const { options } = scope;
  counts.due = deletions.length;
  let cutOff = false;
  const reached = (options.cutoff ?? new Promise<never>(() => undefined)).then((): typeof CUT_OFF => {
    cutOff = true;
    return CUT_OFF;
  });
  for (const deletion of deletions) {
    if (cutOff || options.remainingTimeMs() < scope.startMarginMs) {
      return {
        ...counts,
        stoppedEarly: "deadline",
        detail: "no time left in the invocation for another deletion",
      };
    }
    const ended = await Promise.race([
      deleteOne(scope, deletion).match(
        (report): Ended => ({ report }),
        (stop): Ended => ({ stop }),
      ),
      reached,
    ]);
    if (ended === CUT_OFF) {
      counts.failed += 1;
      return {
        ...counts,
        stoppedEarly: "deadline",
        detail: "the invocation's cutoff came during a deletion",
      };
    }
    if ("stop" in ended) {
      const { stop } = ended;
      if (stop.sessionFailed) {
        counts.failed += 1;
        scope.observer.onDeletion?.(report(deletion, "failed", stop.attempts, stop.detail));
      }
      return {
        ...counts,
        stoppedEarly: stop.reason,
        detail: stop.detail,
        ...(stop.alert === undefined ? {} : { alert: stop.alert }),
      };
    }
    tally(counts, ended.report.outcome);
    scope.observer.onDeletion?.(ended.report);
  }
  return counts;
}

function tally(counts: Counts, outcome: DeletionOutcome): void {
  const field = (
    {
      deleted: "deleted",
      "not-yet": "notYet",
      skipped: "skipped",
      failed: "failed",
      "gave-up": "gaveUp",
    } as const
  )[outcome];
  counts[field] += 1;
}

/** When a claimed deletion is next due, should this attempt not end it. */
export function nextDueAtSeconds(deletion: DueDeletion, nowMs: number): number {
  const backoff = Math.min(FIRST_RETRY_SECONDS * 2 ** deletion.attempts, MAX_RETRY_SECONDS);
  const afterExpiry =
    deletion.tokenExpiresAtMs > 0 ? Math.ceil(deletion.tokenExpiresAtMs / 1000) + AFTER_EXPIRY_SECONDS : 0;
  return Math.max(Math.floor(nowMs / 1000) + backoff, afterExpiry);
}

function deleteOne(scope: Scope, deletion: DueDeletion): ResultAsync<DeletionReport, RunStop> {
  const { deps } = scope;
  if (deletion.attempts >= MAX_DELETE_ATTEMPTS) {
    return deps.dueDeletions
      .giveUp(deletion.scanRef, deps.now())
      .map(() => report(deletion, "gave-up", 0, `not deleted after ${deletion.attempts} attempts`))
      .mapErr((error) => stateStop(error, 0));
  }
  const claim = () =>
    deps.dueDeletions
      .claim(deletion, nextDueAtSeconds(deletion, deps.now()))
      .mapErr((error) => stateStop(error, 0));
  if (deletion.deletedAt !== undefined) {
    // Deleted by an earlier attempt whose event was not published: publish only.
    const { deletedAt } = deletion;
    return claim().andThen((claimed) =>
      claimed ? publishAndClose(scope, deletion, deletedAt, 0) : okAsync(report(deletion, "skipped", 0)),
    );
  }
  const waitMs = scope.options.remainingTimeMs() - scope.startMarginMs;
  const slot = waitMs < 0 ? Promise.resolve(false) : deps.limiter.acquireWithin(waitMs);
  return ResultAsync.fromSafePromise(slot).andThen((granted) => {
    if (!granted) {
      return errAsync<DeletionReport, RunStop>({
        reason: "deadline",
        detail: "no time left for another delete call within the rate limit",
        sessionFailed: false,
        attempts: 0,
      });
    }
    return claim().andThen((claimed) =>
      claimed ? callDelete(scope, deletion) : okAsync(report(deletion, "skipped", 0)),
    );
  });
}

function callDelete(scope: Scope, deletion: DueDeletion): ResultAsync<DeletionReport, RunStop> {
  const { deps, options } = scope;
  let attempts = 0;
  const called = callMarkId(
    deps,
    deleteEndpoint,
    { scanRef: deletion.scanRef },
    {
      remainingTimeMs: options.remainingTimeMs,
      safetyMarginMs: scope.safetyMarginMs,
      limiter: firstSlotTaken(deps.limiter),
      onAttempt: (info) => {
        attempts = info.attempt;
        scope.observer.onAttempt?.(info);
      },
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      ...(options.random === undefined ? {} : { random: options.random }),
    },
  );
  return branch(
    called,
    () => publishAndClose(scope, deletion, new Date(deps.now()).toISOString(), attempts),
    (failure) => onFailure(scope, deletion, failure),
  );
}

/** Mark ID's documented refusal before the token expires (markid-api.md §6.4); erase-person's too. */
export function isTokenNotExpired(error: MarkIdError): boolean {
  if (error.kind !== "api" && error.kind !== "unknown-identifier") return false;
  return error.identifier === "PARTNER_ERROR" || /token has not expired/i.test(error.message);
}

function onFailure(
  scope: Scope,
  deletion: DueDeletion,
  failure: ExecutionFailure,
): ResultAsync<DeletionReport, RunStop> {
  if (isTokenNotExpired(failure.error)) {
    return okAsync(report(deletion, "not-yet", failure.attempts, "Mark ID: token has not expired yet"));
  }
  const stop = stopReasonOf(failure);
  if (stop === null) {
    return okAsync(report(deletion, "failed", failure.attempts, describeFailure(failure)));
  }
  return raisePolicyAlert(scope, failure, OPERATION).andThen((alert) =>
    errAsync<DeletionReport, RunStop>({
      reason: stop,
      detail: describeFailure(failure),
      sessionFailed: true,
      attempts: failure.attempts,
      ...(alert === undefined ? {} : { alert }),
    }),
  );
}

function publishAndClose(
  scope: Scope,
  deletion: DueDeletion,
  deletedAt: string,
  attempts: number,
): ResultAsync<DeletionReport, RunStop> {
  const { deps } = scope;
  const event: VerificationDeletedEvent = {
    type: "verification.deleted",
    scanRef: deletion.scanRef,
    ...(deletion.requestId === "" ? {} : { requestId: deletion.requestId }),
    ...(deletion.clientId === "" ? {} : { clientId: deletion.clientId }),
    deletedAt,
  };
  return branch(
    deps.notifier.publishEvent(event),
    () =>
      deps.dueDeletions
        .close(deletion.scanRef, deletedAt)
        .map(() => report(deletion, "deleted", attempts))
        .mapErr((error) => stateStop(error, attempts)),
    (error) =>
      // Mark ID has deleted it: remember that, so the next attempt only publishes.
      deps.dueDeletions
        .recordDeleted(deletion.scanRef, deletedAt)
        .map(() =>
          report(deletion, "failed", attempts, `deleted, but not yet published: ${describeAwsError(error)}`),
        )
        .mapErr((stateError) => stateStop(stateError, attempts)),
  );
}

function stateStop(error: AwsError, attempts: number): RunStop {
  return { reason: "state-unavailable", detail: describeAwsError(error), sessionFailed: true, attempts };
}

function report(
  deletion: DueDeletion,
  outcome: DeletionOutcome,
  attempts: number,
  reason?: string,
): DeletionReport {
  return {
    scanRef: deletion.scanRef,
    requestId: deletion.requestId,
    outcome,
    attempts,
    ...(reason === undefined ? {} : { reason }),
  };
}
