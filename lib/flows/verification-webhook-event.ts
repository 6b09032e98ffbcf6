import type { VerificationResult } from "../markid/webhook-payload";
import type { PendingCompletedEvent } from "../messages";

/**
 * The `verification.completed` event for a webhook's result (design.md §4.3), but for its
 * `sequence`, which the publisher draws.
 */
export function toCompletedEvent(result: VerificationResult, receivedAtMs: number): PendingCompletedEvent {
  const { status } = result;
  return {
    type: "verification.completed",
    scanRef: result.scanRef,
    clientId: result.clientId,
    externalRef: result.externalRef,
    final: result.final,
    overall: status.overall,
    fraudTags: status.fraudTags,
    mismatchTags: status.mismatchTags,
    autoDocument: status.autoDocument,
    autoFace: status.autoFace,
    manualDocument: status.manualDocument,
    manualFace: status.manualFace,
    data: result.data,
    source: "webhook",
    receivedAt: new Date(receivedAtMs).toISOString(),
  };
}
