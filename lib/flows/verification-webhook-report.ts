import { describeAwsError } from "../aws/aws-error";
import { describeCredentialsError } from "../aws/credentials";
import { logger } from "../observability/logger";
import { count } from "../observability/metrics";
import type { WebhookOutcome, WebhookWarning } from "./verification-webhook";

/**
 * One log line and the metrics for a webhook outcome. Only identifiers go into the log: the
 * scanRef (opaque), `final`, the overall status, reasons and field paths — never the body, the
 * signature, the clientId or any data field (design.md §4.1; test/ scans the output).
 */
export function reportWebhookOutcome(outcome: WebhookOutcome): void {
  switch (outcome.kind) {
    case "accepted":
      logger.info("webhook accepted: verification.completed published", { ...outcome.delivery });
      count("WebhookAccepted");
      for (const warning of outcome.warnings) reportWarning(outcome.delivery.scanRef, warning);
      return;
    case "duplicate":
      logger.info("webhook duplicate: already published", { ...outcome.delivery });
      count("WebhookDuplicate");
      return;
    case "notification":
      logger.info("webhook notification: markid.notification published", { ...outcome.delivery });
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
      } else if (outcome.reason === "delivery-in-progress") {
        logger.warn("webhook not processed: a concurrent copy is being published (Mark ID will resend)", {
          reason: outcome.reason,
          ...outcome.delivery,
        });
      } else {
        logger.error("webhook not processed: publish failed (Mark ID will resend)", {
          reason: outcome.reason,
          ...outcome.delivery,
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

function reportWarning(scanRef: string, warning: WebhookWarning): void {
  switch (warning.kind) {
    case "dedupe-check-failed":
      logger.warn("webhook dedupe check failed: published without it (a duplicate event is possible)", {
        scanRef,
        error: describeAwsError(warning.error),
      });
      count("WebhookDedupeCheckFailed");
      return;
    case "mark-delivered-failed":
      logger.warn("webhook published but not marked delivered: a resend would publish it again", {
        scanRef,
        error: describeAwsError(warning.error),
      });
      count("WebhookMarkDeliveredFailed");
      return;
  }
}
