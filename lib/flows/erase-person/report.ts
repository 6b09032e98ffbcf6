import { logger } from "../../observability/logger";
import { count } from "../../observability/metrics";
import type { AttemptInfo } from "../../resilience/execute";
import { markIdErrorLabel } from "../outcome";
import type { ErasureOutcome } from "./index";

/*
 * What the eraser logs and counts: the message id, counts and reasons only. Never the body, the
 * clientId or the erasureId (a hash of the clientId, which a short clientId would not hide).
 */

export function observeErasureAttempt(info: AttemptInfo): void {
  count("MarkIdCall");
  if (info.outcome === "success") return;
  count("MarkIdError", { name: "identifier", value: markIdErrorLabel(info.error) });
  count("PolicyAction", { name: "action", value: info.decision.action });
}

export function reportErasure(messageId: string, outcome: ErasureOutcome): void {
  if (outcome.kind === "given-back") {
    logger.warn("erasure: given back to the queue", {
      messageId,
      reason: outcome.reason,
      detail: outcome.detail,
    });
    return;
  }
  count("ErasureRequests", { name: "status", value: outcome.status });
  const details = { messageId, status: outcome.status, sessions: outcome.sessions, pending: outcome.pending };
  if (outcome.status === "invalid-request") {
    logger.warn("erasure: request not readable; verification.erased published with its fields", details);
  } else if (outcome.status === "pending") {
    logger.info("erasure: sessions left for a later delivery", details);
  } else {
    logger.info("erasure: done", details);
  }
}
