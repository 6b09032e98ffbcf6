import type { AwsError } from "../aws/aws-error";
import type { CredentialsError } from "../aws/credentials";
import type { DeliveryIdentity } from "../aws/delivery-store";

/*
 * Every way a webhook delivery can end, as values: the flow returns them, the report logs and
 * counts them, and the handler maps them to an HTTP status (webhook-reply.ts).
 */

/** What the webhook reports of a published notification: no payload, no clientId. */
interface NotificationDelivery {
  readonly notificationKind: string;
  readonly scanRef: string | null;
}

/**
 * The delivery is on the results queue: the reply is 200 and Mark ID stops resending. A duplicate
 * is accepted like the first copy; the publisher publishes it once.
 */
export type WebhookHandled =
  | { readonly kind: "accepted"; readonly delivery: DeliveryIdentity }
  /** Not a verification result: published as `markid.notification` (webhook-notification.ts). */
  | { readonly kind: "notification"; readonly delivery: NotificationDelivery };

/** The delivery was refused (4xx: resending it cannot help) or could not be recorded now (5xx). */
export type WebhookRefused =
  | { readonly kind: "rejected"; readonly reason: "body-too-large"; readonly bytes: number }
  | { readonly kind: "rejected"; readonly reason: "signature-missing" }
  | {
      readonly kind: "rejected";
      readonly reason: "signature-mismatch";
      /** Whether the secret was re-read before refusing (false: malformed header, or inside the interval). */
      readonly keyRefreshed: boolean;
    }
  | { readonly kind: "rejected"; readonly reason: "malformed-body" }
  | { readonly kind: "rejected"; readonly reason: "too-deep" }
  | {
      readonly kind: "rejected";
      readonly reason: "invalid-payload";
      /** Paths of the missing or invalid fields, never their values. */
      readonly fields: readonly string[];
    }
  | {
      readonly kind: "unavailable";
      readonly reason: "signing-key-unavailable";
      readonly error: CredentialsError;
    }
  /** The results queue refused the delivery: Mark ID resends, and reconciliation recovers it if all resends fail. */
  | {
      readonly kind: "unavailable";
      readonly reason: "queue-send-failed";
      /** What would have been accepted. */
      readonly handled: WebhookHandled;
      readonly error: AwsError;
    };

export type WebhookOutcome = WebhookHandled | WebhookRefused;
