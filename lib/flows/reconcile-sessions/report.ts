import { logger } from "../../observability/logger";
import { count } from "../../observability/metrics";
import type { AttemptInfo } from "../../resilience/execute";
import { markIdErrorLabel } from "../outcome";
import type { ReconcileObserver, ReconcileSummary, SessionReport } from "./types";

/*
 * What the reconcile-sessions handler logs and counts. Only identifiers go into a log line (the
 * scanRef and requestId, as the other flows log them, the overall status, Mark ID identifiers,
 * AWS error codes): never the clientId or anything else of a person.
 */

export function reconcileObserver(): ReconcileObserver {
  return { onAttempt: observeAttempt, onSession: observeSession };
}

function observeAttempt(info: AttemptInfo): void {
  count("ReconcileStatusCalls");
  count("MarkIdCall");
  if (info.outcome === "success") return;
  count("MarkIdError", { name: "identifier", value: markIdErrorLabel(info.error) });
  count("PolicyAction", { name: "action", value: info.decision.action });
}

function observeSession(report: SessionReport): void {
  const details = { ...report };
  switch (report.outcome) {
    case "final":
      logger.info("reconcile: final status sent to the results queue", details);
      return;
    case "gave-up":
      count("SessionsGivenUp");
      logger.warn("reconcile: session given up, still not final past RECONCILE_GIVE_UP_SECONDS", details);
      return;
    case "failed":
      logger.warn("reconcile: session not reconciled, asked again when next due", details);
      return;
    case "in-progress":
    case "skipped":
      logger.debug(`reconcile: session ${report.outcome}`, details);
      return;
  }
}

/** Logs the run's summary: an error when Mark ID or the state stopped it, a warning when sessions failed. */
export function reportReconcileRun(summary: ReconcileSummary): void {
  const message = "reconcile: run finished";
  const deletions = summary.deletions;
  const stoppedEarly = summary.stoppedEarly ?? deletions?.stoppedEarly;
  if (stoppedEarly !== undefined && stoppedEarly !== "deadline") {
    logger.error(`${message}, stopped early: ${stoppedEarly}`, { summary });
  } else if (stoppedEarly !== undefined || summary.failed > 0 || (deletions?.failed ?? 0) > 0) {
    logger.warn(message, { summary });
  } else {
    logger.info(message, { summary });
  }
  for (const alert of [summary.alert, deletions?.alert]) {
    if (alert?.error !== undefined) logger.error("reconcile: alert not recorded or not sent", { ...alert });
    if (alert?.sent === true) count("AlertSent", { name: "type", value: alert.type });
  }
}
