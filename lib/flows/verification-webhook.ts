import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import type { AwsError } from "../aws/aws-error";
import type { CredentialsError } from "../aws/credentials";
import { deliveryKey, type DeliveryIdentity, type DeliveryStore } from "../aws/delivery-store";
import type { Notifier } from "../aws/notifier";
import { DEFAULT_EVENT_TYPE_HEADER, parseWebhookBodyKind } from "../markid/webhook-body";
import type { VerificationResult, WebhookPayloadError } from "../markid/webhook-payload";
import { verifyWebhookSignature } from "../markid/webhook-signature";
import type { VerificationCompletedEvent } from "../messages";
import { toCompletedEvent } from "./verification-webhook-event";
import { handleNotification, type NotificationDelivery } from "./webhook-notification";
import { findHeader, looksLikeSignature, readRawBody, type WebhookHttpRequest } from "./webhook-request";
import type { SigningKeySource } from "./webhook-signing-key";

/**
 * The verification-result webhook (design.md §4.1): size → signature → payload → dedupe →
 * publish → mark. Every way a delivery can end is a value; the handler maps it to a status code.
 */

/**
 * How long a published result is remembered as delivered. Mark ID resends within seconds when it
 * gets no 200, and a manual review may send the same scanRef again days later with another
 * status (a different key, so not a duplicate); 30 days covers both with room to spare.
 */
export const WEBHOOK_DEDUPE_TTL_SECONDS = 30 * 24 * 60 * 60;

export interface WebhookFlowDependencies {
  readonly signingKey: SigningKeySource;
  readonly deliveries: DeliveryStore;
  readonly notifier: Pick<Notifier, "publishEvent">;
  /** Clock in epoch milliseconds (a notification's receivedAt); default Date.now. */
  readonly now?: () => number;
}

export interface WebhookFlowSettings {
  /** Config WEBHOOK_MAX_BODY_BYTES. */
  readonly maxBodyBytes: number;
  /** Config MARKID_SIGNATURE_HEADER; matched case-insensitively. */
  readonly signatureHeader: string;
  /** Default WEBHOOK_DEDUPE_TTL_SECONDS. */
  readonly dedupeTtlSeconds?: number;
  /** The header naming a notification's kind; default `Idenfy-Event-Type`, case-insensitive. */
  readonly eventTypeHeader?: string;
}

/** Something that went wrong on the way but did not stop the delivery (logged and counted). */
export type WebhookWarning =
  /** The dedupe record could not be read: published anyway (subscribers get at-least-once events). */
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

export type WebhookRejectionReason =
  "body-too-large" | "signature-missing" | "signature-mismatch" | "malformed-body" | "invalid-payload";

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
  | {
      readonly kind: "unavailable";
      readonly reason: "notification-publish-failed";
      readonly delivery: NotificationDelivery;
      readonly error: AwsError;
    };

export type WebhookOutcome = WebhookHandled | WebhookRefused;

export function processVerificationWebhook(
  request: WebhookHttpRequest,
  deps: WebhookFlowDependencies,
  settings: WebhookFlowSettings,
): ResultAsync<WebhookHandled, WebhookRefused> {
  const ttlSeconds = settings.dedupeTtlSeconds ?? WEBHOOK_DEDUPE_TTL_SECONDS;
  return (
    readRawBody(request, settings.maxBodyBytes)
      .mapErr((tooLarge): WebhookRefused => ({
        kind: "rejected",
        reason: "body-too-large",
        bytes: tooLarge.bytes,
      }))
      .asyncAndThen((raw) =>
        authenticate(raw, findHeader(request.headers, settings.signatureHeader), deps.signingKey),
      )
      // Parsed and reduced to what the rest of the flow needs in one synchronous step: only the
      // delivery's identity and its event travel on through the promise chain, not the whole
      // parsed payload (AML and document data can be tens of KB, bench/webhook-parse.ts). A
      // notification travels whole: it is published as received.
      .andThen((raw) =>
        parseWebhookBodyKind(
          raw,
          findHeader(request.headers, settings.eventTypeHeader ?? DEFAULT_EVENT_TYPE_HEADER),
        )
          .mapErr(toRejection)
          .map((body) => (body.kind === "verification-result" ? toDelivery(body.result) : body)),
      )
      .andThen((parsed) =>
        "notification" in parsed
          ? handleNotification(parsed.notification, deps)
          : record(parsed, deps, ttlSeconds),
      )
  );
}

function authenticate(
  raw: Uint8Array,
  signature: string | undefined,
  keys: SigningKeySource,
): ResultAsync<Uint8Array, WebhookRefused> {
  if (signature === undefined) return errAsync({ kind: "rejected", reason: "signature-missing" });
  const mismatch = (keyRefreshed: boolean): WebhookRefused => ({
    kind: "rejected",
    reason: "signature-mismatch",
    keyRefreshed,
  });
  return keys
    .current()
    .mapErr(keyUnavailable)
    .andThen((key) => {
      if (verifyWebhookSignature(raw, signature, key)) return okAsync(raw);
      // A rotated key can explain a well-formed signature, never a malformed one.
      if (!looksLikeSignature(signature)) return errAsync(mismatch(false));
      return keys
        .refreshAfterMismatch()
        .mapErr(keyUnavailable)
        .andThen((fresh) =>
          fresh !== null && fresh !== key && verifyWebhookSignature(raw, signature, fresh)
            ? okAsync(raw)
            : errAsync(mismatch(fresh !== null)),
        );
    });
}

const keyUnavailable = (error: CredentialsError): WebhookRefused => ({
  kind: "unavailable",
  reason: "signing-key-unavailable",
  error,
});

function toRejection(error: WebhookPayloadError): WebhookRefused {
  switch (error.kind) {
    case "malformed-body":
      return { kind: "rejected", reason: "malformed-body" };
    case "invalid-payload":
      return { kind: "rejected", reason: "invalid-payload", fields: error.issues.map((issue) => issue.path) };
  }
}

interface ParsedDelivery {
  readonly delivery: DeliveryIdentity;
  readonly event: VerificationCompletedEvent;
}

function toDelivery(result: VerificationResult): ParsedDelivery {
  return {
    delivery: { scanRef: result.scanRef, final: result.final, overall: result.status.overall },
    event: toCompletedEvent(result),
  };
}

/*
 * Publish first, mark second (design.md §4.1): a delivery is remembered only once its event is
 * out, so a resend after a failed publish is processed again. The dedupe read failing does not
 * stop the delivery: Mark ID resends only a few times, and losing a result is worse than a
 * duplicate event, which subscribers must tolerate anyway (SNS is at-least-once).
 */
function record(
  { delivery, event }: ParsedDelivery,
  deps: WebhookFlowDependencies,
  ttlSeconds: number,
): ResultAsync<WebhookHandled, WebhookRefused> {
  const key = deliveryKey(delivery);
  return deps.deliveries
    .isDelivered(key)
    .map((delivered): { delivered: boolean; warnings: WebhookWarning[] } => ({ delivered, warnings: [] }))
    .orElse((error) =>
      okAsync({ delivered: false, warnings: [{ kind: "dedupe-check-failed" as const, error }] }),
    )
    .andThen(({ delivered, warnings }): ResultAsync<WebhookHandled, WebhookRefused> => {
      if (delivered) return okAsync({ kind: "duplicate", delivery });
      return deps.notifier
        .publishEvent(event)
        .mapErr((error): WebhookRefused => ({
          kind: "unavailable",
          reason: "publish-failed",
          delivery,
          error,
        }))
        .andThen(() =>
          deps.deliveries
            .markDelivered(key, ttlSeconds)
            .map((): readonly WebhookWarning[] => warnings)
            .orElse((error) => okAsync([...warnings, { kind: "mark-delivered-failed" as const, error }])),
        )
        .map((allWarnings): WebhookHandled => ({ kind: "accepted", delivery, warnings: allWarnings }));
    });
}
