import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signWebhookBody, verifyWebhookSignature } from "../../lib/markid/webhook-signature";

// The peer fixture, byte for byte, as signed by someone else (test/fixtures/README.md).
const PEER_BODY = new Uint8Array(
  readFileSync(new URL("../fixtures/peer-webhook-go-idenfy.json", import.meta.url)),
);
const PEER_KEY = "TestingKey";
const PEER_SIGNATURE = "e7386736c7f0e8ee293a7637a316d64f7193c3197c133576e3f72061100180e2";

describe("verifyWebhookSignature with the peer fixture", () => {
  it("is the documented 3,269 bytes", () => {
    expect(PEER_BODY.length).toBe(3269);
  });

  it("accepts the documented signature, in either case and with surrounding whitespace", () => {
    expect(verifyWebhookSignature(PEER_BODY, PEER_SIGNATURE, PEER_KEY)).toBe(true);
    expect(verifyWebhookSignature(PEER_BODY, PEER_SIGNATURE.toUpperCase(), PEER_KEY)).toBe(true);
    expect(verifyWebhookSignature(PEER_BODY, ` ${PEER_SIGNATURE}\n`, PEER_KEY)).toBe(true);
  });

  it("accepts the body given as the string it decodes to", () => {
    expect(verifyWebhookSignature(new TextDecoder().decode(PEER_BODY), PEER_SIGNATURE, PEER_KEY)).toBe(true);
  });

  it("signs it the way the peer did", () => {
    expect(signWebhookBody(PEER_BODY, PEER_KEY)).toBe(PEER_SIGNATURE);
  });

  it.each(["testingkey", "TestingKey ", "local-signing-key", "x"])("rejects it with key %j", (key) => {
    expect(verifyWebhookSignature(PEER_BODY, PEER_SIGNATURE, key)).toBe(false);
  });

  it("rejects it after any single byte changes", () => {
    fc.assert(
      fc.property(fc.nat({ max: PEER_BODY.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, delta) => {
        const tampered = PEER_BODY.slice();
        tampered[index] = (tampered[index]! + delta) % 256;
        expect(verifyWebhookSignature(tampered, PEER_SIGNATURE, PEER_KEY)).toBe(false);
      }),
    );
  });

  it("rejects it with a byte added or removed", () => {
    const appended = new Uint8Array([...PEER_BODY, 0x0a]);
    expect(verifyWebhookSignature(appended, PEER_SIGNATURE, PEER_KEY)).toBe(false);
    expect(verifyWebhookSignature(PEER_BODY.subarray(0, -1), PEER_SIGNATURE, PEER_KEY)).toBe(false);
  });
});

describe("verifyWebhookSignature edge cases", () => {
  const body = '{"scanRef":"s","final":true}';
  const key = "signing-key";
  const valid = signWebhookBody(body, key);

  it("accepts a valid signature", () => {
    expect(verifyWebhookSignature(body, valid, key)).toBe(true);
    expect(verifyWebhookSignature(new TextEncoder().encode(body), valid, key)).toBe(true);
  });

  it.each([
    ["a tampered signature", `${valid.slice(0, -1)}${valid.endsWith("0") ? "1" : "0"}`],
    ["a short signature", valid.slice(0, 62)],
    ["a long signature", `${valid}00`],
    ["an odd-length signature", valid.slice(0, 63)],
    ["non-hex characters", `${valid.slice(0, 62)}zz`],
    ["a prefixed signature", `sha256=${valid}`],
    ["a base64 signature", Buffer.from(valid, "hex").toString("base64")],
    ["an empty header", ""],
    ["a blank header", "   "],
    ["a missing header", undefined],
  ])("rejects %s", (_label, header) => {
    expect(verifyWebhookSignature(body, header, key)).toBe(false);
  });

  it("rejects a tampered body", () => {
    expect(verifyWebhookSignature(body.replace("true", "false"), valid, key)).toBe(false);
  });

  it("rejects the base64-encoded body string (API Gateway's isBase64Encoded): decode first", () => {
    const base64Body = Buffer.from(body).toString("base64");
    expect(verifyWebhookSignature(base64Body, valid, key)).toBe(false);
    expect(verifyWebhookSignature(Buffer.from(base64Body, "base64"), valid, key)).toBe(true);
  });

  it("rejects everything when the key is empty", () => {
    expect(verifyWebhookSignature(body, signWebhookBody(body, ""), "")).toBe(false);
  });

  it("never accepts a body whose HMAC does not match, and never throws", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 512 }),
        fc.string(),
        fc.string({ minLength: 1 }),
        (bytes, header, someKey) => {
          const matches = header.trim().toLowerCase() === signWebhookBody(bytes, someKey);
          expect(verifyWebhookSignature(bytes, header, someKey)).toBe(matches);
        },
      ),
    );
  });

  it("never accepts a signature made with another key", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 256 }),
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        (bytes, signingKey, otherKey) => {
          fc.pre(signingKey !== otherKey);
          expect(verifyWebhookSignature(bytes, signWebhookBody(bytes, signingKey), otherKey)).toBe(false);
        },
      ),
    );
  });
});
