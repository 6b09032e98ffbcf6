import type { AwsError } from "../aws/aws-error";
import type { CredentialsError } from "../aws/credentials";
import type { DeliveryIdentity } from "../aws/delivery-store";

/*
 * Every way a webhook delivery can end, as values: the flow returns them, the report logs and
 * counts them, and the handler maps them to an HTTP status (webhook-reply.ts).
 */

/** What the webhook reports of a published notification: no payload, no clientId. */
export interface NotificationDelivery {
  readonly notificationKind: string;
  readonly scanRef: string | null;
}

/** Something that went wrong on the way but did not stop the delivery (logged and counted). */
export type WebhookWarning =
  /** The delivery could not be claimed: published anyway (subscribers get at-least-once events). */
  | { readonly kind: "dedupe-check-failed"; readonly error: AwsError }
  /** Published, but not recorded as delivered: a resend would publish it again. */
  | { readonly kind: "mark-delivered-failed"; readonly error: AwsError };

/** The delivery was handled: the reply is 200 and Mark ID stops resending. */
export type WebhookHandled =
  | {
      readonly kind: "accepted";
      readonly delivery: DeliveryIdentity;
      readonly warnings: readonly WebhookWarning[];
    }
  | { readonly kind: "duplicate"; readonly delivery: DeliveryIdentity }
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
  | {
      readonly kind: "unavailable";
      readonly reason: "publish-failed";
      readonly delivery: DeliveryIdentity;
      readonly error: AwsError;
    }
  /** A concurrent copy of this result is being published: the resend finds it delivered. */
  | {
      readonly kind: "unavailable";
      readonly reason: "delivery-in-progress";
      readonly delivery: DeliveryIdentity;
    }
  | {
      readonly kind: "unavailable";
      readonly reason: "notification-publish-failed";
      readonly delivery: NotificationDelivery;
      readonly error: AwsError;
    };

export type WebhookOutcome = WebhookHandled | WebhookRefused;
