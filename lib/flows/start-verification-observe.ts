import type { Logger } from "@aws-lambda-powertools/logger";
import { count } from "../observability/metrics";
import type { AttemptInfo } from "./execute";
import { markIdErrorLabel } from "./outcome";
import type {
  AcknowledgedOutcome,
  GivenBackOutcome,
  RecordObserver,
  RecordReport,
} from "./start-verification";

/*
 * What the start-verification handler logs and counts for a record. Only identifiers go into a
 * log line (messageId, requestId, Mark ID identifier, policy action, outcome, AWS error code):
 * never the body, the clientId, an authToken or any token field.
 */

/** `log` is the record's own logger, so the keys it appends never leak into a concurrent record's lines. */
export function recordObserver(log: Logger): RecordObserver {
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

export type ProcessedRecord =
  | { readonly acknowledged: true; readonly report: RecordReport<AcknowledgedOutcome> }
  | { readonly acknowledged: false; readonly report: RecordReport<GivenBackOutcome> };

const FAILURE_EVENT_OUTCOMES: ReadonlySet<AcknowledgedOutcome> = new Set([
  "request-invalid",
  "request-rejected",
  "unknown-outcome-failed",
]);

/** One summary line per record, and the record-level metrics. */
export function reportRecord(log: Logger, processed: ProcessedRecord): void {
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
