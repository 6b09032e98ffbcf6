import type { Logger } from "@aws-lambda-powertools/logger";
import { logger } from "../../observability/logger";
import { count } from "../../observability/metrics";
import type { AttemptInfo } from "../../resilience/execute";
import { markIdErrorLabel } from "../outcome";
import type {
  AcknowledgedOutcome,
  GivenBackOutcome,
  RecordObserver,
  RecordReport,
  StartVerificationFlow,
  VerificationRecord,
} from "./types";

/*
 * What the start-verification handler logs and counts for a record. Only identifiers go into a
 * log line (messageId, requestId, Mark ID identifier, policy action, outcome, AWS error code):
 * never the body, the clientId, an authToken or any token field.
 */

/** `log` is the record's own logger, so the keys it appends never leak into a concurrent record's lines. */
function recordObserver(log: Logger): RecordObserver {
  return {
    onRequest: (requestId) => {
      log.appendKeys({ requestId });
    },
    onAttempt: (info) => {
      observeAttempt(log, info);
    },
    onWarning: (message, details) => {
      log.warn(message, { ...details });
    },
  };
}

function observeAttempt(log: Logger, info: AttemptInfo): void {
  count("MarkIdCall");
  if (info.outcome === "success") {
    log.debug("Mark ID call succeeded", { attempt: info.attempt, durationMs: info.durationMs });
    return;
  }
  const identifier = markIdErrorLabel(info.error);
  const action = info.decision.action;
  count("MarkIdError", { name: "identifier", value: identifier });
  count("PolicyAction", { name: "action", value: action });
  if (info.outcome === "retry") {
    log.info("Mark ID call failed; retrying", {
      attempt: info.attempt,
      identifier,
      action,
      after: info.after,
      delayMs: info.delayMs,
    });
  } else {
    log.warn("Mark ID call failed; not retried", {
      attempt: info.attempt,
      identifier,
      action,
      reason: info.reason,
    });
  }
}

type ProcessedRecord =
  | { readonly acknowledged: true; readonly report: RecordReport<AcknowledgedOutcome> }
  | { readonly acknowledged: false; readonly report: RecordReport<GivenBackOutcome> };

const FAILURE_EVENT_OUTCOMES: ReadonlySet<AcknowledgedOutcome> = new Set([
  "request-invalid",
  "request-rejected",
  "unknown-outcome-failed",
  "request-conflict",
]);

/** One summary line per record, and the record-level metrics. */
function reportRecord(log: Logger, processed: ProcessedRecord): void {
  const { report } = processed;
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

  if (!processed.acknowledged) {
    log.warn("record given back to the queue", fields);
    return;
  }
  log.info("record acknowledged", fields);
  const outcome = processed.report.outcome;
  if (outcome === "session-created" || outcome === "session-created-unrecorded") count("TokenCreated");
  if (outcome === "session-republished") count("SessionRepublished");
  if (FAILURE_EVENT_OUTCOMES.has(outcome)) count("VerificationFailed");
}

/**
 * Runs one record through the flow with its own child logger (records run concurrently, so
 * per-record keys cannot go on the shared logger), logs and counts its outcome, and says whether
 * to acknowledge it. An exception is a bug, not an outcome: the record fails (and is redelivered)
 * while the others go on; only the error's name is logged, as its message could quote the record.
 */
export async function processVerificationRecord(
  flow: StartVerificationFlow,
  record: VerificationRecord,
): Promise<boolean> {
  const log = logger.createChild();
  log.appendKeys({ messageId: record.messageId });
  try {
    const processed = await flow.process(record, recordObserver(log)).match(
      (report): ProcessedRecord => ({ acknowledged: true, report }),
      (report): ProcessedRecord => ({ acknowledged: false, report }),
    );
    reportRecord(log, processed);
    return processed.acknowledged;
  } catch (error) {
    log.error("unexpected exception while processing the record", {
      errorName: error instanceof Error ? error.name : typeof error,
    });
    return false;
  }
}
