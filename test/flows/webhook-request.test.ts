import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findHeader, looksLikeSignature, readRawBody } from "../../lib/flows/webhook-request";

describe("readRawBody", () => {
  it("gives a text body's UTF-8 bytes", () => {
    const bytes = readRawBody({ body: '{"name":"Žemaitė"}' }, 100)._unsafeUnwrap();
    expect(Buffer.from(bytes).equals(Buffer.from('{"name":"Žemaitė"}', "utf8"))).toBe(true);
  });

  it("gives a base64 body's decoded bytes", () => {
    const raw = Buffer.from([0, 1, 2, 250, 255, 10]);
    const bytes = readRawBody({ body: raw.toString("base64"), isBase64Encoded: true }, 100)._unsafeUnwrap();
    expect(Buffer.from(bytes).equals(raw)).toBe(true);
  });

  it("treats a missing body as empty", () => {
    expect(readRawBody({}, 10)._unsafeUnwrap()).toHaveLength(0);
  });

  it("counts bytes, not characters: 4 two-byte characters exceed 7 bytes", () => {
    expect(readRawBody({ body: "ąčęė" }, 8).isOk()).toBe(true);
    expect(readRawBody({ body: "ąčęė" }, 7)._unsafeUnwrapErr()).toEqual({ kind: "body-too-large", bytes: 8 });
  });

  it("accepts exactly the limit and refuses one byte more, as text and as base64", () => {
    const limit = 1024;
    for (const base64 of [false, true]) {
      const encode = (size: number) => {
        const raw = Buffer.alloc(size, 0x61);
        return base64 ? raw.toString("base64") : raw.toString("utf8");
      };
      expect(readRawBody({ body: encode(limit), isBase64Encoded: base64 }, limit).isOk()).toBe(true);
      expect(readRawBody({ body: encode(limit + 1), isBase64Encoded: base64 }, limit).isErr()).toBe(true);
    }
  });

  it("refuses a huge base64 body by its length, before decoding it", () => {
    const body = "A".repeat(4_000_000);
    expect(readRawBody({ body, isBase64Encoded: true }, 262_144)._unsafeUnwrapErr().bytes).toBeGreaterThan(
      262_144,
    );
  });

  it("returns the exact bytes for any body within the limit, and refuses any above it", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (raw, base64) => {
        const bytes = Buffer.from(raw);
        const body = base64 ? bytes.toString("base64") : bytes.toString("utf8");
        const expected = base64 ? bytes : Buffer.from(body, "utf8");
        const result = readRawBody({ body, isBase64Encoded: base64 }, 200);
        if (expected.length <= 200) expect(Buffer.from(result._unsafeUnwrap()).equals(expected)).toBe(true);
        else expect(result._unsafeUnwrapErr().kind).toBe("body-too-large");
      }),
    );
  });
});

describe("findHeader", () => {
  it("matches the name case-insensitively", () => {
    expect(findHeader({ "idenfy-signature": "abc" }, "Idenfy-Signature")).toBe("abc");
    expect(findHeader({ "IDENFY-SIGNATURE": "abc" }, "idenfy-signature")).toBe("abc");
  });

  it("treats absent, undefined and blank values as missing", () => {
    expect(findHeader(undefined, "x")).toBeUndefined();
    expect(findHeader({}, "x")).toBeUndefined();
    expect(findHeader({ x: undefined }, "x")).toBeUndefined();
    expect(findHeader({ x: "  " }, "x")).toBeUndefined();
  });
});

describe("looksLikeSignature", () => {
  it("accepts 64 hex digits in either case, with surrounding whitespace", () => {
    expect(looksLikeSignature("a".repeat(64))).toBe(true);
    expect(looksLikeSignature(` ${"AbC0".repeat(16)}\n`)).toBe(true);
  });

  it.each(["", "abc", "g".repeat(64), "a".repeat(63), "a".repeat(65), `${"a".repeat(32)} ${"a".repeat(32)}`])(
    "refuses %j",
    (value) => {
      expect(looksLikeSignature(value)).toBe(false);
    },
  );
});
