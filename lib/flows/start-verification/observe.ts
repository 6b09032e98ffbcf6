import type { Logger } from "@aws-lambda-powertools/logger";
import { count } from "../../observability/metrics";
import type { AttemptInfo } from "../../resilience/execute";
import { markIdErrorLabel } from "../outcome";
import type { RecordObserver } from "./types";

/*
 * What the start-verification handler logs and counts while a record is processed. Only identifiers go into a
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
