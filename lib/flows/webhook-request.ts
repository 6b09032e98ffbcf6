import { Buffer } from "node:buffer";
import { err, ok, type Result } from "neverthrow";

/**
 * What the webhook flow needs of an HTTP request, whatever carried it (API Gateway payload v2,
 * a test server): the body exactly as received and the headers.
 */
export interface WebhookHttpRequest {
  readonly body?: string | undefined;
  /** API Gateway sets it for bodies it does not treat as text: the signed bytes are the decoded ones. */
  readonly isBase64Encoded?: boolean | undefined;
  readonly headers?: Readonly<Record<string, string | undefined>> | undefined;
}

export interface BodyTooLarge {
  readonly kind: "body-too-large";
  /** The size seen (for a base64 body refused before decoding, the size it would decode to at least). */
  readonly bytes: number;
}

/**
 * The raw bytes Mark ID signed, refusing more than `maxBytes` before doing any work on them.
 * A base64 body is sized before it is decoded, so an oversized delivery costs no allocation.
 */
export function readRawBody(request: WebhookHttpRequest, maxBytes: number): Result<Uint8Array, BodyTooLarge> {
  const body = request.body ?? "";
  if (request.isBase64Encoded === true) {
    // 4 base64 characters carry 3 bytes; padding makes the real size at most 2 bytes smaller.
    const atLeast = Math.floor((body.length * 3) / 4) - 2;
    if (atLeast > maxBytes) return err({ kind: "body-too-large", bytes: atLeast });
    const bytes = Buffer.from(body, "base64");
    return bytes.length > maxBytes ? err({ kind: "body-too-large", bytes: bytes.length }) : ok(bytes);
  }
  // Every UTF-16 code unit becomes at least one UTF-8 byte (a surrogate pair four), so the
  // string's length is a lower bound on its size: the exact count is only taken below it.
  if (body.length > maxBytes) return err({ kind: "body-too-large", bytes: body.length });
  const size = Buffer.byteLength(body, "utf8");
  return size > maxBytes ? err({ kind: "body-too-large", bytes: size }) : ok(Buffer.from(body, "utf8"));
}

/**
 * A header's value by case-insensitive name (HTTP names are case-insensitive; API Gateway v2
 * lowercases them, a hand-built or proxied event may not). Blank counts as absent.
 */
export function findHeader(
  headers: Readonly<Record<string, string | undefined>> | undefined,
  name: string,
): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && typeof value === "string" && value.trim() !== "") return value;
  }
  return undefined;
}

const SIGNATURE_SHAPE = /^\s*[0-9a-f]{64}\s*$/i;

/**
 * Whether a header value has the shape of a signature (hex HMAC-SHA256). Only such a value can
 * be explained by a rotated signing key; anything else is refused without re-reading the key.
 */
export function looksLikeSignature(value: string): boolean {
  return SIGNATURE_SHAPE.test(value);
}
