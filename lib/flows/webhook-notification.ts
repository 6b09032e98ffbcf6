import type { WebhookNotification } from "../markid/webhook-body";
import type { NotificationEvent } from "../messages";

/*
 * A signed webhook that is not a verification result (design.md §4.1, §4.3) is queued like a
 * result, answered 200, and published as `markid.notification`. Not deduplicated: there is no
 * documented identity to key it on (a resend and a second notice for the same scanRef look alike),
 * and SNS is at-least-once anyway, so subscribers must tolerate a repeat.
 */
export function toNotificationEvent(
  notification: WebhookNotification,
  receivedAtMs: number,
): NotificationEvent {
  return {
    type: "markid.notification",
    kind: notification.kind,
    ...(notification.scanRef === null ? {} : { scanRef: notification.scanRef }),
    ...(notification.clientId === null ? {} : { clientId: notification.clientId }),
    receivedAt: new Date(receivedAtMs).toISOString(),
    payload: notification.payload,
  };
}
