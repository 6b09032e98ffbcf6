import { deleteDueVerifications, type DeleteVerificationsDependencies } from "./delete-verifications";
import { deletionObserver } from "./delete-verifications/report";
import {
  reconcileSessions,
  type ReconcileSessionsDependencies,
  type ReconcileSummary,
} from "./reconcile-sessions";
import { reconcileObserver, reportReconcileRun } from "./reconcile-sessions/report";

/*
 * One scheduled run of reconcile-sessions (design.md §4.4, §4.5): the overdue sessions first; then,
 * with retention at Mark ID on (MARKID_RETENTION_SECONDS), the deletions whose retention period has
 * passed, within the same rate limit and invocation. The summary is logged and returned.
 */

export type ScheduledReconciliationDependencies = ReconcileSessionsDependencies &
  DeleteVerificationsDependencies;

export interface ScheduledReconciliationSettings {
  readonly remainingTimeMs: () => number;
  readonly cutoff: Promise<void>;
}

export async function runScheduledReconciliation(
  deps: ScheduledReconciliationDependencies,
  settings: ScheduledReconciliationSettings,
): Promise<ReconcileSummary> {
  const reconciled = await reconcileSessions(deps, { ...settings, observer: reconcileObserver() });
  // A run stopped (Mark ID failing, no time left, the table unavailable) deletes nothing either.
  const summary: ReconcileSummary =
    reconciled.stoppedEarly !== undefined || deps.config.MARKID_RETENTION_SECONDS <= 0
      ? reconciled
      : {
          ...reconciled,
          deletions: await deleteDueVerifications(deps, { ...settings, observer: deletionObserver() }),
        };
  reportReconcileRun(summary);
  return summary;
}
