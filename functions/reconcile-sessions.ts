import type { ScheduledEvent } from "aws-lambda";
import {
  reconcileSessions,
  type ReconcileSessionsDependencies,
  type ReconcileSummary,
} from "../lib/flows/reconcile-sessions";
import { reconcileObserver, reportReconcileRun } from "../lib/flows/reconcile-sessions/report";
import { reconcileSessionsDependencies } from "../lib/runtime/dependencies";
import { lambdaHandler, type LambdaHandler } from "../lib/runtime/handler-frame";

/**
 * EventBridge schedule: asks POST /api/v2/status about the sessions whose final result is overdue
 * (design.md §4.4), sends each final status to the results queue, and returns the summary it
 * logs. It never throws for an outcome: Mark ID or DynamoDB failing ends the run early, in the
 * summary, and the sessions not reached stay due for the next run.
 */
export type ReconcileSessionsHandler = LambdaHandler<ScheduledEvent, ReconcileSummary>;

type Needs = ReconcileSessionsDependencies;

/** The handler over given dependencies (tests pass their own). */
export function createReconcileSessionsHandler(dependencies: () => Needs): ReconcileSessionsHandler {
  return lambdaHandler({
    name: "reconcile-sessions",
    container: dependencies,
    correlationId: (event: ScheduledEvent) => event.id,
    run: async (_event, deps, { context, cutoff }) => {
      const summary = await reconcileSessions(deps, {
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
        cutoff,
        observer: reconcileObserver(),
      });
      reportReconcileRun(summary);
      return summary;
    },
  });
}

export const handler: ReconcileSessionsHandler = createReconcileSessionsHandler(
  reconcileSessionsDependencies,
);
