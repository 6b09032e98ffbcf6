import type { ScheduledEvent } from "aws-lambda";
import type { ReconcileSummary } from "../lib/flows/reconcile-sessions";
import {
  runScheduledReconciliation,
  type ScheduledReconciliationDependencies,
} from "../lib/flows/scheduled-reconciliation";
import { reconcileSessionsDependencies } from "../lib/runtime/dependencies";
import { lambdaHandler, type LambdaHandler } from "../lib/runtime/handler-frame";

/**
 * EventBridge schedule: asks POST /api/v2/status about the sessions whose final result is overdue
 * (design.md §4.4), sends each final status to the results queue, and returns the summary it
 * logs. It never throws for an outcome: Mark ID or DynamoDB failing ends the run early, in the
 * summary, and the sessions not reached stay due for the next run.
 *
 * With retention at Mark ID on (MARKID_RETENTION_SECONDS), a run that was not stopped then deletes
 * the verification data whose retention period has passed (design.md §4.5), within the same rate
 * limit and invocation, and publishes verification.deleted for each.
 */
export type ReconcileSessionsHandler = LambdaHandler<ScheduledEvent, ReconcileSummary>;

type Needs = ScheduledReconciliationDependencies;

/** The handler over given dependencies (tests pass their own). */
export function createReconcileSessionsHandler(dependencies: () => Needs): ReconcileSessionsHandler {
  return lambdaHandler({
    name: "reconcile-sessions",
    container: dependencies,
    correlationId: (event: ScheduledEvent) => event.id,
    run: (_event, deps, { context, cutoff }) =>
      runScheduledReconciliation(deps, { remainingTimeMs: () => context.getRemainingTimeInMillis(), cutoff }),
  });
}

export const handler: ReconcileSessionsHandler = createReconcileSessionsHandler(
  reconcileSessionsDependencies,
);
