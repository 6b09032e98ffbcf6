import type { Logger } from "@aws-lambda-powertools/logger";
import { logger } from "../../observability/logger";
import { count } from "../../observability/metrics";
import { recordObserver } from "./observe";
import type { AcknowledgedOutcome, RecordReport, StartVerificationFlow, VerificationRecord } from "./types";

/*
 * One SQS record through the flow, as the handler runs it: its own log lines and metrics, and
 * whether to acknowledge it. Only identifiers go into a log line (messageId, requestId, Mark ID
 * identifier, policy action, outcome, AWS error code): never the body, the clientId, an authToken
 * or any token field.
 */

const FAILURE_EVENT_OUTCOMES: ReadonlySet<string> = new Set<AcknowledgedOutcome>([
  "request-invalid",
  "request-rejected",
  "unknown-outcome-failed",
  "request-conflict",
  "request-erased",
]);

/**
 * Runs one record with its own child logger (records run concurrently, so per-record keys cannot go
 * on the shared logger), logs and counts its outcome, and says whether to acknowledge it. An
 * exception is a bug, not an outcome: the record fails (and is redelivered) while the others go
 * on; only the error's name is logged, as its message could quote the record.
 */
export async function processVerificationRecord(
  flow: StartVerificationFlow,
  record: VerificationRecord,
): Promise<boolean> {
  const log = logger.createChild();
  log.appendKeys({ messageId: record.messageId });
  try {
    return await flow.process(record, recordObserver(log)).match(
      (report) => reportRecord(log, report, true),
      (report) => reportRecord(log, report, false),
    );
  } catch (error) {
    log.error("unexpected exception while processing the record", {
      errorName: error instanceof Error ? error.name : typeof error,
    });
    return false;
  }
}

/** One summary line per record, and the record-level metrics; returns `acknowledged`. */
function reportRecord(log: Logger, report: RecordReport, acknowledged: boolean): boolean {
  const fields = {
    outcome: report.outcome,
    ...(report.action === undefined ? {} : { action: report.action }),
    ...(report.identifier === undefined ? {} : { identifier: report.identifier }),
    ...(report.reason === undefined ? {} : { reason: report.reason }),
    ...(report.attempts === undefined ? {} : { attempts: report.attempts }),
    ...(report.alert === undefined ? {} : { alert: report.alert.type, alertSent: report.alert.sent }),
  };
  if (report.alert?.sent === true) count("AlertSent", { name: "type", value: report.alert.type });
  if (report.tokenLimitResolved === true)
    count("AlertSent", { name: "type", value: "markid.token-limit-reached" });

  if (!acknowledged) {
    log.warn("record given back to the queue", fields);
    return false;
  }
  log.info("record acknowledged", fields);
  const { outcome } = report;
  if (outcome === "session-created" || outcome === "session-created-unrecorded") count("TokenCreated");
  if (outcome === "session-republished") count("SessionRepublished");
  if (FAILURE_EVENT_OUTCOMES.has(outcome)) count("VerificationFailed");
  return true;
}
