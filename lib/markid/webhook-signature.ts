import { createHmac, timingSafeEqual } from "node:crypto";

/** HMAC-SHA256 as hex: 32 bytes, 64 characters. */
const SIGNATURE_HEX = /^[0-9a-f]{64}$/i;

/**
 * Checks a webhook's signature header: HMAC-SHA256 of the raw body bytes with the callback
 * signing key, hex (either case), surrounding whitespace ignored (markid-api.md §7.4).
 *
 * Verify the bytes exactly as received (API Gateway may hand them over base64-encoded: decode
 * first), never a re-serialised object. Returns false, without throwing, for a missing, empty,
 * non-hex or wrong-length header and for an empty key (a blank key would let anyone sign).
 * The comparison is constant-time over equal-length digests.
 */
export function verifyWebhookSignature(
  rawBody: Uint8Array | string,
  signatureHeader: string | undefined,
  key: string,
): boolean {
  if (key === "" || typeof signatureHeader !== "string") return false;
  const given = signatureHeader.trim();
  if (!SIGNATURE_HEX.test(given)) return false;
  const expected = hmac(rawBody, key);
  const actual = Buffer.from(given, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The lowercase-hex signature Mark ID would send for this body: for tests and the simulator. */
export function signWebhookBody(rawBody: Uint8Array | string, key: string): string {
  return hmac(rawBody, key).toString("hex");
}

function hmac(rawBody: Uint8Array | string, key: string): Buffer {
  return createHmac("sha256", key)
    .update(typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody)
    .digest();
}
