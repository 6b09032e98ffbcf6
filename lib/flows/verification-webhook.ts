import { err, errAsync, ok, okAsync, type ResultAsync } from "neverthrow";
import type { CredentialsError } from "../aws/credentials";
import {
  deliveryKey,
  type DeliveryClaim,
  type DeliveryIdentity,
  type DeliveryStore,
} from "../aws/delivery-store";
import type { Notifier } from "../aws/notifier";
import { exceedsJsonDepth } from "../markid/json-depth";
import { DEFAULT_EVENT_TYPE_HEADER, parseWebhookBodyKind } from "../markid/webhook-body";
import type { VerificationResult, WebhookPayloadError } from "../markid/webhook-payload";
import { verifyWebhookSignature } from "../markid/webhook-signature";
import type { PendingCompletedEvent } from "../messages";
import { toCompletedEvent } from "./verification-webhook-event";
import { handleNotification } from "./webhook-notification";
import type { WebhookHandled, WebhookRefused, WebhookWarning } from "./webhook-outcome";
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
const WEBHOOK_DEDUPE_TTL_SECONDS = 30 * 24 * 60 * 60;

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
  /** The header naming a notification's kind; default `Idenfy-Event-Type`, case-insensitive. */
  readonly eventTypeHeader?: string;
}

export type { WebhookHandled, WebhookOutcome, WebhookRefused, WebhookWarning } from "./webhook-outcome";

/**
 * Deeper than any result Mark ID documents (about 6 levels) by a wide margin, and far below what
 * overflows the stack when the event is serialised: a signed body nested past it is refused with
 * 400, since every resend would fail the same way.
 */
const MAX_JSON_DEPTH = 64;
const TOO_DEEP: WebhookRefused = { kind: "rejected", reason: "too-deep" };

export function processVerificationWebhook(
  request: WebhookHttpRequest,
  deps: WebhookFlowDependencies,
  settings: WebhookFlowSettings,
): ResultAsync<WebhookHandled, WebhookRefused> {
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
      .andThen((raw) => (exceedsJsonDepth(raw, MAX_JSON_DEPTH) ? err(TOO_DEEP) : ok(raw)))
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
        "notification" in parsed ? handleNotification(parsed.notification, deps) : record(parsed, deps),
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
  readonly event: PendingCompletedEvent;
}

function toDelivery(result: VerificationResult): ParsedDelivery {
  return {
    delivery: { scanRef: result.scanRef, final: result.final, overall: result.status.overall },
    event: toCompletedEvent(result, Date.now()),
  };
}

/*
 * Claim, publish, mark (design.md §4.1): of concurrent copies of one result exactly one claims it
 * and publishes; a copy that finds it being published gets 503 (Mark ID resends, and the resend
 * finds it delivered), and a failed publish releases the claim so the resend publishes. The claim
 * failing (DynamoDB down) does not stop the delivery: Mark ID resends only a few times, and losing
 * a result is worse than a duplicate event, which subscribers must tolerate anyway (SNS is
 * at-least-once).
 */
function record(
  { delivery, event }: ParsedDelivery,
  deps: WebhookFlowDependencies,
): ResultAsync<WebhookHandled, WebhookRefused> {
  const key = deliveryKey(delivery);
  return deps.deliveries
    .claim(key)
    .map((claim): { claim: DeliveryClaim; warnings: WebhookWarning[] } => ({ claim, warnings: [] }))
    .orElse((error) =>
      okAsync({ claim: "claimed" as const, warnings: [{ kind: "dedupe-check-failed" as const, error }] }),
    )
    .andThen(({ claim, warnings }): ResultAsync<WebhookHandled, WebhookRefused> => {
      if (claim === "delivered") return okAsync({ kind: "duplicate", delivery });
      if (claim === "in-progress")
        return errAsync({ kind: "unavailable", reason: "delivery-in-progress", delivery });
      return deps.notifier
        .publishEvent({ ...event, sequence: 1 })
        .orElse((error) =>
          deps.deliveries
            .release(key)
            .orElse(() => okAsync(undefined))
            .andThen(() =>
              errAsync<never, WebhookRefused>({
                kind: "unavailable",
                reason: "publish-failed",
                delivery,
                error,
              }),
            ),
        )
        .andThen(() =>
          deps.deliveries
            .markDelivered(key, WEBHOOK_DEDUPE_TTL_SECONDS)
            .map((): readonly WebhookWarning[] => warnings)
            .orElse((error) => okAsync([...warnings, { kind: "mark-delivered-failed" as const, error }])),
        )
        .map((allWarnings): WebhookHandled => ({ kind: "accepted", delivery, warnings: allWarnings }));
    });
}
