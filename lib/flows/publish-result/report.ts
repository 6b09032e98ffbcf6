import { describeAwsError } from "../../aws/aws-error";
import { logger } from "../../observability/logger";
import { count } from "../../observability/metrics";
import type { PublishOutcome, PublishWarning } from "./types";

/**
 * One log line and the metrics for a queued delivery's outcome: identifiers only (scanRef, final,
 * overall, source, sequence), never the clientId, the data or the notification's payload.
 * `ResultsRecovered` counts each result that only reconciliation delivered: a webhook that was
 * lost (serverless.yml alarms on it).
 */
export function reportPublishOutcome(messageId: string, outcome: PublishOutcome): void {
  switch (outcome.kind) {
    case "published":
      logger.info("verification.completed published", { messageId, ...outcome.result });
      count("ResultPublished");
      if (outcome.result.source === "reconciliation") count("ResultsRecovered");
      for (const warning of outcome.warnings) reportWarning(outcome.result.scanRef, warning);
      return;
    case "duplicate":
      logger.info("result already published: duplicate acknowledged", {
        messageId,
        ...outcome.delivery,
        source: outcome.source,
      });
      count("ResultDuplicate");
      return;
    case "erased":
      logger.info("result of an erased session acknowledged unpublished", {
        messageId,
        ...outcome.delivery,
        source: outcome.source,
      });
      count("ResultOfErasedSession");
      return;
    case "notification-published":
      logger.info("markid.notification published", { messageId, notificationKind: outcome.notificationKind });
      count("WebhookNotification");
      return;
    case "given-back":
      count("ResultGivenBack", { name: "reason", value: outcome.reason });
      if (outcome.reason === "malformed") {
        logger.error("queued delivery malformed: given back (it ends in the results DLQ)", {
          messageId,
          reason: outcome.reason,
          problems: outcome.error.problems,
        });
      } else if (outcome.reason === "in-progress") {
        logger.warn("a concurrent copy is being published: given back", { messageId, ...outcome.delivery });
      } else {
        logger.error("result not published: given back for redelivery", {
          messageId,
          reason: outcome.reason,
          ...outcome.delivery,
          error: describeAwsError(outcome.error),
        });
      }
      return;
  }
}

function reportWarning(scanRef: string, warning: PublishWarning): void {
  logger.warn("published but not marked delivered: a later copy would be published again", {
    scanRef,
    error: describeAwsError(warning.error),
  });
  count("ResultMarkDeliveredFailed");
}
