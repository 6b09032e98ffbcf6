import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_REQUEST_ID_LENGTH, parseVerificationRequest } from "../../lib/flows/start-verification/request";

/* The SQS body parser: what is a valid request, which fields an invalid one names, and that it never throws. */

const paths = (body: string) =>
  parseVerificationRequest(body)
    ._unsafeUnwrapErr()
    .issues.map((issue) => issue.path);

describe("parseVerificationRequest", () => {
  it("reads requestId, clientId and the token fields (requestId is not a token field)", () => {
    const request = parseVerificationRequest(
      JSON.stringify({
        requestId: "req-1",
        clientId: "cust-1",
        locale: "lt",
        expiryTime: 600,
        documents: ["PASSPORT"],
      }),
    )._unsafeUnwrap();
    expect(request).toEqual({
      requestId: "req-1",
      clientId: "cust-1",
      token: { clientId: "cust-1", locale: "lt", expiryTime: 600, documents: ["PASSPORT"] },
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
    });
  });

  it("fingerprints the body without the requestId, whatever the order of its keys", () => {
    const fingerprint = (body: Record<string, unknown>) =>
      parseVerificationRequest(JSON.stringify(body))._unsafeUnwrap().fingerprint;
    const base = fingerprint({ requestId: "r", clientId: "c", locale: "lt", documents: ["PASSPORT"] });
    expect(fingerprint({ documents: ["PASSPORT"], locale: "lt", clientId: "c", requestId: "r" })).toBe(base);
    expect(fingerprint({ requestId: "other", clientId: "c", locale: "lt", documents: ["PASSPORT"] })).toBe(
      base,
    );
    expect(fingerprint({ requestId: "r", clientId: "c2", locale: "lt", documents: ["PASSPORT"] })).not.toBe(
      base,
    );
    expect(fingerprint({ requestId: "r", clientId: "c", locale: "en", documents: ["PASSPORT"] })).not.toBe(
      base,
    );
    expect(fingerprint({ requestId: "r", clientId: "c", locale: "lt" })).not.toBe(base);
  });

  it.each([
    ["not JSON", "requestId=req-1&clientId=c", ["(root)"]],
    ["empty", "", ["(root)"]],
    ["a JSON array", "[1,2]", ["(root)"]],
    ["JSON null", "null", ["(root)"]],
    ["a JSON string", '"req-1"', ["(root)"]],
    ["no requestId", JSON.stringify({ clientId: "c" }), ["requestId"]],
    ["no clientId", JSON.stringify({ requestId: "r" }), ["clientId"]],
    ["an empty requestId", JSON.stringify({ requestId: "", clientId: "c" }), ["requestId"]],
    ["a blank requestId", JSON.stringify({ requestId: " \t ", clientId: "c" }), ["requestId"]],
    ["a numeric requestId", JSON.stringify({ requestId: 7, clientId: "c" }), ["requestId"]],
    [
      "a requestId too long",
      JSON.stringify({ requestId: "r".repeat(MAX_REQUEST_ID_LENGTH + 1), clientId: "c" }),
      ["requestId"],
    ],
    [
      "a firstName with digits",
      JSON.stringify({ requestId: "r", clientId: "c", firstName: "J0hn" }),
      ["firstName"],
    ],
    ["a non-ASCII clientId", JSON.stringify({ requestId: "r", clientId: "klientas-ž" }), ["clientId"]],
    [
      "a locale of the wrong shape and a bad date",
      JSON.stringify({ requestId: "r", clientId: "c", locale: "not a language", dateOfBirth: "1990-13-45" }),
      ["locale", "dateOfBirth"],
    ],
    ["an unknown field", JSON.stringify({ requestId: "r", clientId: "c", firstname: "Jane" }), ["firstname"]],
    [
      "additionalData without additionalSteps",
      JSON.stringify({ requestId: "r", clientId: "c", additionalData: { ssn: "1" } }),
      ["additionalData"],
    ],
  ])("refuses %s, naming %j", (_name, body, expected) => {
    expect(paths(body).sort()).toEqual([...expected].sort());
  });

  it("echoes a readable requestId and clientId of an invalid request, never a token field", () => {
    const invalid = parseVerificationRequest(
      JSON.stringify({
        requestId: "req-9",
        clientId: "cust-9",
        firstName: "J0hn",
        dateOfBirth: "1990-01-01",
      }),
    )._unsafeUnwrapErr();
    expect(invalid).toEqual({
      kind: "invalid-verification-request",
      requestId: "req-9",
      clientId: "cust-9",
      issues: [{ path: "firstName", message: expect.any(String) as string }],
    });
    expect(JSON.stringify(invalid)).not.toContain("J0hn");
  });

  it("does not echo a requestId that breaks the schema", () => {
    const invalid = parseVerificationRequest(
      JSON.stringify({ requestId: "r".repeat(200), clientId: "c" }),
    )._unsafeUnwrapErr();
    expect(invalid.requestId).toBeUndefined();
    expect(invalid.clientId).toBe("c");
  });

  it("names a field only once when both the envelope and the token schema refuse it", () => {
    expect(paths(JSON.stringify({ requestId: "r", clientId: 42 }))).toEqual(["clientId"]);
  });

  it("issues never quote the body", () => {
    const secret = "Ona Onaitė 1990";
    const invalid = parseVerificationRequest(
      `{"requestId":"r","clientId":"c","firstName":"${secret}"`,
    )._unsafeUnwrapErr();
    expect(JSON.stringify(invalid)).not.toContain("Ona");
  });
});

describe("parseVerificationRequest properties", () => {
  it("never throws on any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (body) => {
        parseVerificationRequest(body);
      }),
      { numRuns: 200 },
    );
  });

  it("never throws on any JSON value, and a result is either a request or named issues", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const result = parseVerificationRequest(JSON.stringify(value));
        if (result.isErr()) expect(result.error.issues.length).toBeGreaterThan(0);
        else expect(result.value.requestId.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on objects shaped like requests with arbitrary field values", () => {
    const fields = fc.dictionary(
      fc.constantFrom(
        "firstName",
        "locale",
        "expiryTime",
        "documents",
        "additionalSteps",
        "__proto__",
        "constructor",
        "x",
      ),
      fc.jsonValue({ maxDepth: 3 }),
    );
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.string()), fields, (requestId, clientId, extra) => {
        const body = JSON.stringify({
          ...extra,
          ...(requestId === null ? {} : { requestId }),
          ...(clientId === null ? {} : { clientId }),
        });
        const result = parseVerificationRequest(body);
        if (result.isOk()) {
          expect(result.value.token).not.toHaveProperty("requestId");
          expect(result.value.token.clientId).toBe(result.value.clientId);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("survives nesting deeper than the stack", () => {
    const deep = `{"requestId":"r","clientId":"c","additionalSteps":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    expect(parseVerificationRequest(deep).isErr()).toBe(true);
  });
});
