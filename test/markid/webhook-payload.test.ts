import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseVerificationResult, parseWebhookBody } from "../../lib/markid/webhook-payload";

const PEER_BODY = new Uint8Array(
  readFileSync(new URL("../fixtures/peer-webhook-go-idenfy.json", import.meta.url)),
);

const minimal = { scanRef: "s-1", clientId: "c-1", final: true, status: { overall: "APPROVED" } };

describe("parseWebhookBody with the peer fixture", () => {
  it("accepts it, placeholders and all", () => {
    const result = parseWebhookBody(PEER_BODY)._unsafeUnwrap();
    expect(result).toMatchObject({
      scanRef: "scan-ref",
      clientId: "123",
      externalRef: "external-ref",
      final: false,
      platform: "MOBILE_APP",
      startTime: 1554726960,
      status: {
        overall: "APPROVED",
        fraudTags: [],
        mismatchTags: [],
        autoDocument: "DOC_VALIDATED",
        autoFace: "FACE_MATCH",
        manualDocument: "DOC_VALIDATED",
        manualFace: "FACE_MATCH",
        additionalSteps: null,
      },
    });
    expect(result.data).toMatchObject({
      docExpiry: "YYYY-MM-DD",
      docSex: "UNDEFINED",
      orgBirthPlace: "ŠILUVA",
    });
    expect(result.fileUrls).toHaveProperty("FRONT");
    // Fields this library does not model are kept, not dropped.
    expect(result).toHaveProperty("AML");
    expect(result).toHaveProperty("additionalStepPdfUrls", {});
  });

  it("accepts it as a string too", () => {
    expect(parseWebhookBody(new TextDecoder().decode(PEER_BODY)).isOk()).toBe(true);
  });
});

describe("parseVerificationResult", () => {
  it("needs only scanRef, clientId, final and status.overall, filling the rest", () => {
    expect(parseVerificationResult(minimal)._unsafeUnwrap()).toEqual({
      ...minimal,
      status: {
        overall: "APPROVED",
        fraudTags: [],
        mismatchTags: [],
        suspicionReasons: [],
        autoDocument: null,
        autoFace: null,
        manualDocument: null,
        manualFace: null,
        additionalSteps: null,
      },
      externalRef: null,
      platform: null,
      startTime: null,
      finishTime: null,
      data: null,
      fileUrls: null,
    });
  });

  it.each([
    ["scanRef", { ...minimal, scanRef: undefined }],
    ["scanRef", { ...minimal, scanRef: "" }],
    ["clientId", { ...minimal, clientId: null }],
    ["final", { ...minimal, final: "true" }],
    ["status", { ...minimal, status: undefined }],
    ["status.overall", { ...minimal, status: { fraudTags: [] } }],
  ])("refuses a payload without a usable %s", (path, payload) => {
    const error = parseVerificationResult(payload)._unsafeUnwrapErr();
    expect(error.kind).toBe("invalid-payload");
    expect(error.kind === "invalid-payload" && error.issues.map((issue) => issue.path)).toEqual([path]);
  });

  it("keeps odd values instead of refusing them", () => {
    const payload = {
      ...minimal,
      clientId: 42,
      platform: "SMART_FRIDGE",
      externalRef: 7,
      startTime: "yesterday",
      status: {
        overall: "SOMETHING_NEW",
        fraudTags: ["NEW_TAG", 3],
        mismatchTags: "NAME",
        manualFace: "",
        autoFace: "FACE_FROM_THE_FUTURE",
        extraStatus: 1,
      },
      data: ["not", "an", "object"],
      riskAssessment: { score: 3 },
    };
    const result = parseVerificationResult(payload)._unsafeUnwrap();
    expect(result).toMatchObject({
      clientId: "42",
      platform: "SMART_FRIDGE",
      externalRef: null,
      startTime: null,
      data: null,
      riskAssessment: { score: 3 },
      status: {
        overall: "SOMETHING_NEW",
        fraudTags: ["NEW_TAG"],
        mismatchTags: [],
        manualFace: null,
        autoFace: "FACE_FROM_THE_FUTURE",
        extraStatus: 1,
      },
    });
  });

  it("names fields, never values, in its issues", () => {
    const error = parseVerificationResult({
      scanRef: "s",
      clientId: "Jonas Jonaitis 1990-01-01",
      final: "maybe",
      status: { overall: 5 },
    })._unsafeUnwrapErr();
    expect(JSON.stringify(error)).not.toMatch(/Jonas|maybe/);
  });

  it("does not throw on an input that throws when read", () => {
    const hostile = Object.defineProperty({}, "scanRef", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    expect(parseVerificationResult(hostile).isErr()).toBe(true);
  });
});

describe("parseWebhookBody errors", () => {
  it.each([
    ["empty", ""],
    ["truncated", '{"scanRef":"s",'],
    ["not UTF-8", new Uint8Array([0x7b, 0xff, 0x7d])],
  ])("gives %s bodies as malformed-body, without quoting them", (_label, body) => {
    const error = parseWebhookBody(body)._unsafeUnwrapErr();
    expect(error).toEqual({ kind: "malformed-body", message: "body is not valid UTF-8 JSON" });
  });

  it.each([
    ["an array", "[]"],
    ["a string", '"x"'],
    ["null", "null"],
  ])("gives JSON that is %s as invalid-payload", (_label, body) => {
    expect(parseWebhookBody(body)._unsafeUnwrapErr().kind).toBe("invalid-payload");
  });

  it("accepts a leading byte-order mark", () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(JSON.stringify(minimal))]);
    expect(parseWebhookBody(withBom).isOk()).toBe(true);
  });
});
