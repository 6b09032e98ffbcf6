import { describeAwsError } from "../aws/aws-error";
import { describeCredentialsError } from "../aws/credentials";
import { logger } from "../observability/logger";
import { count } from "../observability/metrics";
import type { WebhookOutcome } from "./verification-webhook";

/**
 * One log line and the metrics for a webhook outcome. Only identifiers go into the log: the
 * scanRef (opaque), `final`, the overall status, reasons and field paths — never the body, the
 * signature, the clientId or any data field (design.md §4.1; test/ scans the output).
 */
export function reportWebhookOutcome(outcome: WebhookOutcome): void {
  switch (outcome.kind) {
    case "accepted":
      logger.info("webhook accepted: result queued", { ...outcome.delivery });
      count("WebhookAccepted");
      return;
    case "notification":
      logger.info("webhook notification: queued", { ...outcome.delivery });
      // No kind dimension: the event-type header is outside the signature, so its values are unbounded.
      count("WebhookNotification");
      return;
    case "rejected":
      logger.warn("webhook rejected", rejectionDetails(outcome));
      count("WebhookRejected", { name: "reason", value: outcome.reason });
      return;
    case "unavailable":
      if (outcome.reason === "signing-key-unavailable") {
        logger.error("webhook not processed: signing key unavailable (Mark ID will resend)", {
          reason: outcome.reason,
          error: describeCredentialsError(outcome.error),
        });
      } else {
        logger.error("webhook not processed: the results queue refused it (Mark ID will resend)", {
          reason: outcome.reason,
          ...outcome.handled.delivery,
          error: describeAwsError(outcome.error),
        });
      }
      count("WebhookRejected", { name: "reason", value: outcome.reason });
      return;
  }
}

function rejectionDetails(outcome: Extract<WebhookOutcome, { kind: "rejected" }>): Record<string, unknown> {
  switch (outcome.reason) {
    case "body-too-large":
      return { reason: outcome.reason, bytes: outcome.bytes };
    case "signature-mismatch":
      return { reason: outcome.reason, keyRefreshed: outcome.keyRefreshed };
    case "invalid-payload":
      return { reason: outcome.reason, fields: outcome.fields };
    case "signature-missing":
    case "malformed-body":
    case "too-deep":
      return { reason: outcome.reason };
  }
}
