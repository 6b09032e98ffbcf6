import { ok, type Result } from "neverthrow";
import {
  parseVerificationResult,
  readJsonObject,
  type VerificationResult,
  type WebhookPayloadError,
} from "./webhook-payload";

/*
 * What a signed webhook body is (markid-api.md §7.2, §12): a verification result, or another
 * notification the platform sends to the same URL (a document-expiration notice, an AML-monitoring
 * hit, a kind not yet known). A notification is never parsed as a result and never refused: a 4xx
 * would make Mark ID resend it until it gives up.
 */

/** The header iDenfy's newer notification system names each event in (`DOCUMENT_EXPIRATION`, …). */
export const DEFAULT_EVENT_TYPE_HEADER = "Idenfy-Event-Type";

export interface WebhookNotification {
  /** From the event-type header, lower-cased with dashes; else from the body's shape. */
  readonly kind: string;
  readonly scanRef: string | null;
  readonly clientId: string | null;
  /** The signed body as received (may hold personal data: for subscribers, never for logs). */
  readonly payload: Readonly<Record<string, unknown>>;
}

export type WebhookBody =
  | { readonly kind: "verification-result"; readonly result: VerificationResult }
  | { readonly kind: "notification"; readonly notification: WebhookNotification };

const MAX_KIND_LENGTH = 64;

/**
 * Reads the raw body (the bytes the signature was checked on) and tells a result from a
 * notification. The event-type header decides when it names something other than an
 * identification event; otherwise a body with a `status` object is a result (and must then carry
 * what a result needs), anything else a notification.
 */
export function parseWebhookBodyKind(
  raw: string | Uint8Array,
  eventType: string | undefined,
): Result<WebhookBody, WebhookPayloadError> {
  return readJsonObject(raw).andThen((json): Result<WebhookBody, WebhookPayloadError> => {
    const headerKind = eventType === undefined ? undefined : normaliseKind(eventType);
    const namesOtherEvent = headerKind !== undefined && !headerKind.startsWith("identification");
    if (!namesOtherEvent && isJsonObject(json["status"])) {
      return parseVerificationResult(json).map((result): WebhookBody => ({
        kind: "verification-result",
        result,
      }));
    }
    return ok({ kind: "notification", notification: toNotification(json, headerKind) });
  });
}

/** `DOCUMENT_EXPIRATION` → `document-expiration`; blank or only separators → undefined. */
function normaliseKind(value: string): string | undefined {
  const kind = value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_KIND_LENGTH);
  return kind === "" ? undefined : kind;
}

function toNotification(
  json: Readonly<Record<string, unknown>>,
  headerKind: string | undefined,
): WebhookNotification {
  return {
    kind: headerKind ?? kindFromShape(json),
    scanRef: identifier(json["scanRef"]),
    clientId: identifier(json["clientId"]),
    payload: json,
  };
}

/**
 * Without the header: the document-expiration notice by its documented fields (iDenfy's OpenAPI),
 * an AML-monitoring hit by the monitoring reply's (markid-api.md §10.4; its webhook body is not
 * documented, so this is a best guess), anything else `unknown`.
 */
function kindFromShape(json: Readonly<Record<string, unknown>>): string {
  if ("expirationThreshold" in json || "documentExpiration" in json) return "document-expiration";
  if ("monitoringId" in json || "alert_status" in json) return "aml-monitoring";
  return "unknown";
}

/** A scanRef or clientId when the body has one (the 2021 docs typed clientId as a number in places). */
function identifier(value: unknown): string | null {
  if (typeof value === "string" && value !== "") return value;
  return typeof value === "number" && Number.isFinite(value) ? String(value) : null;
}

function isJsonObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
