import type { VerificationResult } from "../markid/webhook-payload";
import type { VerificationCompletedEvent } from "../messages";

/** The `verification.completed` event for a webhook's result (design.md §4.3). */
export function toCompletedEvent(result: VerificationResult): VerificationCompletedEvent {
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
  };
}
