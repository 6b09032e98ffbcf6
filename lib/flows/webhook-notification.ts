import type { ResultAsync } from "neverthrow";
import type { AwsError } from "../aws/aws-error";
import type { Notifier } from "../aws/notifier";
import type { WebhookNotification } from "../markid/webhook-body";
import type { NotificationEvent } from "../messages";
import type { NotificationDelivery, WebhookHandled, WebhookRefused } from "./webhook-outcome";

/*
 * A signed webhook that is not a verification result (design.md §4.1, §4.3) is published as
 * `markid.notification` and answered 200. Not deduplicated: there is no documented identity to
 * key it on (a resend and a second notice for the same scanRef look alike), and SNS is
 * at-least-once anyway, so subscribers must tolerate a repeat.
 */

function toNotificationEvent(notification: WebhookNotification, receivedAtMs: number): NotificationEvent {
  return {
    type: "markid.notification",
    kind: notification.kind,
    ...(notification.scanRef === null ? {} : { scanRef: notification.scanRef }),
    ...(notification.clientId === null ? {} : { clientId: notification.clientId }),
    receivedAt: new Date(receivedAtMs).toISOString(),
    payload: notification.payload,
  };
}

function publishNotification(
  notification: WebhookNotification,
  notifier: Pick<Notifier, "publishEvent">,
  receivedAtMs: number,
): ResultAsync<NotificationDelivery, { readonly delivery: NotificationDelivery; readonly error: AwsError }> {
  const delivery: NotificationDelivery = {
    notificationKind: notification.kind,
    scanRef: notification.scanRef,
  };
  return notifier
    .publishEvent(toNotificationEvent(notification, receivedAtMs))
    .map(() => delivery)
    .mapErr((error) => ({ delivery, error }));
}

/** The webhook flow's outcome for a notification: 200 once published, 503 (Mark ID resends) if not. */
export function handleNotification(
  notification: WebhookNotification,
  deps: { readonly notifier: Pick<Notifier, "publishEvent">; readonly now?: () => number },
): ResultAsync<WebhookHandled, WebhookRefused> {
  return publishNotification(notification, deps.notifier, (deps.now ?? Date.now)())
    .map((delivery): WebhookHandled => ({ kind: "notification", delivery }))
    .mapErr((failed): WebhookRefused => ({
      kind: "unavailable",
      reason: "notification-publish-failed",
      ...failed,
    }));
}
