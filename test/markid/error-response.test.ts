import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BODY_EXCERPT_LENGTH, decodeErrorResponse, parseRetryAfter } from "../../lib/markid/error-response";
import { isTokenLimitReached, isUnauthorized } from "../../lib/markid/errors";
import { KNOWN_IDENTIFIERS } from "../../lib/markid/identifiers";

const encode = (text: string) => new TextEncoder().encode(text);
const jsonBytes = (value: unknown) => encode(JSON.stringify(value));
const noHeaders = new Headers();

describe("decodeErrorResponse", () => {
  it.each(KNOWN_IDENTIFIERS)("maps identifier %s to an api error with status and message", (identifier) => {
    const error = decodeErrorResponse(
      400,
      noHeaders,
      jsonBytes({ identifier, message: "text", severity: "NOT_SEVERE" }),
    );
    expect(error).toEqual({ kind: "api", identifier, status: 400, message: "text" });
  });

  it("keeps an unknown identifier verbatim", () => {
    const error = decodeErrorResponse(
      400,
      noHeaders,
      jsonBytes({ identifier: "BRAND_NEW_thing", message: "m" }),
    );
    expect(error).toEqual({
      kind: "unknown-identifier",
      identifier: "BRAND_NEW_thing",
      status: 400,
      message: "m",
    });
  });

  it("recognises the token limit through the helper", () => {
    const error = decodeErrorResponse(
      400,
      noHeaders,
      jsonBytes({ identifier: "PERMISSIONS_ERROR", message: "Partner reached token limit." }),
    );
    expect(isTokenLimitReached(error)).toBe(true);
    const other = decodeErrorResponse(
      400,
      noHeaders,
      jsonBytes({ identifier: "PERMISSIONS_ERROR", message: "Partner inactive" }),
    );
    expect(isTokenLimitReached(other)).toBe(false);
  });

  it("gives an identifier-less 401 as an http error the unauthorised helper recognises", () => {
    const error = decodeErrorResponse(
      401,
      noHeaders,
      jsonBytes({ message: "Invalid authorization credentials" }),
    );
    expect(error).toEqual({
      kind: "http",
      status: 401,
      bodyExcerpt: '{"message":"Invalid authorization credentials"}',
    });
    expect(isUnauthorized(error)).toBe(true);
  });

  it("keeps a bounded one-line excerpt of an HTML gateway page", () => {
    const page = `<html>\n  <head><title>502 Bad Gateway</title></head>\n<body>${"x".repeat(5000)}</body></html>`;
    const error = decodeErrorResponse(502, new Headers({ "content-type": "text/html" }), encode(page));
    expect(error.kind).toBe("http");
    if (error.kind !== "http") return;
    expect(error.status).toBe(502);
    expect(error.bodyExcerpt.startsWith("<html> <head><title>502 Bad Gateway</title>")).toBe(true);
    expect(error.bodyExcerpt.length).toBe(BODY_EXCERPT_LENGTH);
    expect(error.bodyExcerpt).not.toContain("\n");
  });

  it.each([
    ["an empty body", encode("")],
    ["truncated JSON", encode('{"identifier":"BAD_VAL')],
    ["a JSON array", jsonBytes([{ identifier: "BAD_VALUE" }])],
    ["a numeric identifier", jsonBytes({ identifier: 42, message: "m" })],
    ["a blank identifier", jsonBytes({ identifier: "  ", message: "m" })],
    ["invalid UTF-8", new Uint8Array([0xff, 0xfe, 0x7b, 0xc3])],
  ])("gives %s as an http error", (_label, body) => {
    expect(decodeErrorResponse(500, noHeaders, body).kind).toBe("http");
  });

  it("reads a missing or non-string message as empty", () => {
    expect(
      decodeErrorResponse(400, noHeaders, jsonBytes({ identifier: "BAD_VALUE", message: 7 })),
    ).toMatchObject({
      kind: "api",
      message: "",
    });
  });

  it("attaches Retry-After to api and http errors", () => {
    const headers = new Headers({ "retry-after": "30" });
    expect(decodeErrorResponse(429, headers, encode("slow down"))).toMatchObject({
      kind: "http",
      retryAfterSeconds: 30,
    });
    expect(
      decodeErrorResponse(429, headers, jsonBytes({ identifier: "TOO_MANY_REQUESTS", message: "" })),
    ).toMatchObject({
      kind: "api",
      identifier: "TOO_MANY_REQUESTS",
      retryAfterSeconds: 30,
    });
    expect(decodeErrorResponse(429, noHeaders, encode("slow down"))).not.toHaveProperty("retryAfterSeconds");
  });

  it("never throws and always gives a reply-derived error, for any status, header and bytes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 100_000 }),
        fc.option(fc.string(), { nil: undefined }),
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }),
          fc.json().map(encode),
          fc.record({ identifier: fc.string(), message: fc.anything() }).map((value) => {
            try {
              return jsonBytes(value);
            } catch {
              return encode("{}");
            }
          }),
        ),
        (status, retryAfter, body) => {
          const headers = {
            get: (name: string) => (name === "retry-after" && retryAfter !== undefined ? retryAfter : null),
          };
          const error = decodeErrorResponse(status, headers, body);
          expect(["api", "unknown-identifier", "http"]).toContain(error.kind);
          expect(error).toHaveProperty("status", status);
          if (error.kind === "http")
            expect(error.bodyExcerpt.length).toBeLessThanOrEqual(BODY_EXCERPT_LENGTH);
        },
      ),
    );
  });

  it("never throws even when the header lookup does", () => {
    const headers = {
      get: (): string | null => {
        throw new Error("boom");
      },
    };
    expect(decodeErrorResponse(503, headers, encode("x"))).toEqual({
      kind: "http",
      status: 503,
      bodyExcerpt: "x",
    });
  });

  it("maps any identifier string to api exactly when it is known, keeping it verbatim", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...KNOWN_IDENTIFIERS), fc.string({ minLength: 1 })),
        (identifier) => {
          fc.pre(identifier.trim() !== "");
          const error = decodeErrorResponse(400, noHeaders, jsonBytes({ identifier, message: "m" }));
          const known = (KNOWN_IDENTIFIERS as readonly string[]).includes(identifier);
          expect(error.kind).toBe(known ? "api" : "unknown-identifier");
          expect(error).toHaveProperty("identifier", identifier);
        },
      ),
    );
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");

  it.each([
    ["120", 120],
    [" 0 ", 0],
    ["Wed, 01 Jan 2025 00:01:30 GMT", 90],
    ["Tue, 31 Dec 2024 23:00:00 GMT", 0],
    ["soon", undefined],
    ["-5", undefined],
    ["1.5", undefined],
    ["", undefined],
    [null, undefined],
    ["99999999999999999999", undefined],
  ])("reads %j as %j", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
