import { err, errAsync, ok, okAsync, type ResultAsync } from "neverthrow";
import type { CredentialsError } from "../aws/credentials";
import type { ResultsQueue } from "../aws/results-queue";
import { exceedsJsonDepth } from "../markid/json-depth";
import { DEFAULT_EVENT_TYPE_HEADER, parseWebhookBodyKind, type WebhookBody } from "../markid/webhook-body";
import type { WebhookPayloadError } from "../markid/webhook-payload";
import { verifyWebhookSignature } from "../markid/webhook-signature";
import type { QueuedDelivery } from "../result-delivery";
import { toCompletedEvent } from "./verification-webhook-event";
import { toNotificationEvent } from "./webhook-notification";
import type { WebhookHandled, WebhookRefused } from "./webhook-outcome";
import { findHeader, looksLikeSignature, readRawBody, type WebhookHttpRequest } from "./webhook-request";
import type { SigningKeySource } from "./webhook-signing-key";

/**
 * The verification-result webhook (design.md §4.1, §4.4): size → signature → depth → payload →
 * results queue. Every way a delivery can end is a value; the handler maps it to a status code.
 * Its only dependencies are the signing key and the queue: publishing is
 * publish-verification-result's (lib/flows/publish-result/).
 */

export interface WebhookFlowDependencies {
  readonly signingKey: SigningKeySource;
  readonly resultsQueue: ResultsQueue;
  /** Clock in epoch milliseconds (the delivery's receivedAt); default Date.now. */
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

export type { WebhookHandled, WebhookOutcome, WebhookRefused } from "./webhook-outcome";

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
      // Parsed and shaped into the event to be in one synchronous step: only the event travels on
      // through the promise chain and the queue, not the whole parsed payload (AML and document
      // data can be tens of KB, bench/webhook-parse.ts). A notification travels whole: it is
      // published as received.
      .andThen((raw) =>
        parseWebhookBodyKind(
          raw,
          findHeader(request.headers, settings.eventTypeHeader ?? DEFAULT_EVENT_TYPE_HEADER),
        )
          .mapErr(toRejection)
          .map((body) => toQueuedDelivery(body, (deps.now ?? Date.now)())),
      )
      .andThen((parsed) => enqueue(parsed, deps))
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

/** The delivery as it goes on the results queue, stamped with the time it reached us. */
function toQueuedDelivery(body: WebhookBody, receivedAtMs: number): QueuedDelivery {
  return body.kind === "verification-result"
    ? { kind: "verification-result", event: toCompletedEvent(body.result, receivedAtMs) }
    : { kind: "notification", event: toNotificationEvent(body.notification, receivedAtMs) };
}

function toRejection(error: WebhookPayloadError): WebhookRefused {
  switch (error.kind) {
    case "malformed-body":
      return { kind: "rejected", reason: "malformed-body" };
    case "invalid-payload":
      return { kind: "rejected", reason: "invalid-payload", fields: error.issues.map((issue) => issue.path) };
  }
}

/**
 * Durable intake (design.md §4.4): the delivery goes to the results queue and the reply is 200 once
 * the queue has it. Duplicates are queued too: publish-verification-result publishes each result
 * once, so the webhook needs no DynamoDB and an outage of it, or of SNS, costs only delay.
 */
function enqueue(
  parsed: QueuedDelivery,
  deps: WebhookFlowDependencies,
): ResultAsync<WebhookHandled, WebhookRefused> {
  const handled = describeDelivery(parsed);
  return deps.resultsQueue
    .send(parsed)
    .map(() => handled)
    .mapErr((error): WebhookRefused => ({
      kind: "unavailable",
      reason: "queue-send-failed",
      handled,
      error,
    }));
}

/** What the report may say of a delivery: identifiers only, never the body. */
function describeDelivery(parsed: QueuedDelivery): WebhookHandled {
  if (parsed.kind === "notification") {
    return {
      kind: "notification",
      delivery: { notificationKind: parsed.event.kind, scanRef: parsed.event.scanRef ?? null },
    };
  }
  const { scanRef, final, overall } = parsed.event;
  return { kind: "accepted", delivery: { scanRef, final, overall } };
}
