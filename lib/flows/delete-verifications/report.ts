import { logger } from "../../observability/logger";
import { count } from "../../observability/metrics";
import type { AttemptInfo } from "../../resilience/execute";
import { markIdErrorLabel } from "../outcome";
import type { DeletionObserver, DeletionReport } from "./types";

/* What the deletion phase logs and counts: identifiers only (scanRef, requestId), never the clientId. */

export function deletionObserver(): DeletionObserver {
  return { onAttempt: observeAttempt, onDeletion: observeDeletion };
}

function observeAttempt(info: AttemptInfo): void {
  count("MarkIdCall");
  if (info.outcome === "success") return;
  count("MarkIdError", { name: "identifier", value: markIdErrorLabel(info.error) });
  count("PolicyAction", { name: "action", value: info.decision.action });
}

function observeDeletion(report: DeletionReport): void {
  const details = { ...report };
  switch (report.outcome) {
    case "deleted":
      count("VerificationDeleted");
      logger.info("retention: verification data deleted at Mark ID", details);
      return;
    case "gave-up":
      count("VerificationDeletesGivenUp");
      logger.warn("retention: deletion given up, the data stays at Mark ID", details);
      return;
    case "failed":
      logger.warn("retention: deletion not done, tried again later", details);
      return;
    case "not-yet":
    case "skipped":
      logger.debug(`retention: deletion ${report.outcome}`, details);
      return;
  }
}
