import { describe, expect, it } from "vitest";
import {
  addDummyStatusEndpoint,
  processEndpoint,
  statusEndpoint,
  tokenEndpoint,
} from "../../lib/markid/endpoints";
import type { Endpoint } from "../../lib/markid/endpoint";
import type { TokenRequest } from "../../lib/markid/schemas/token";

/** Field paths the encoder refuses, or [] when it accepts. */
function refusedFields<Req>(endpoint: Endpoint<Req, unknown>, input: Req): string[] {
  return endpoint.encodeRequest(input).match(
    () => [],
    (issues) => issues.map((issue) => issue.path).sort(),
  );
}

/** A token request built from loosely typed fields: the point is to send what the types forbid. */
const token = (fields: Record<string, unknown>) =>
  refusedFields(tokenEndpoint, { clientId: "cust-1", ...fields });

describe("token request", () => {
  it("accepts every documented field at once", () => {
    const full: TokenRequest = {
      clientId: "cust-4821",
      firstName: "Rūta Anne-Marie O'Neil",
      lastName: "Petraitė",
      successUrl: "https://example.com/ok",
      errorUrl: "https://example.com/fail",
      unverifiedUrl: "https://example.com/unverified",
      locale: "lt",
      showInstructions: false,
      expiryTime: 2_592_000,
      sessionLength: 3600,
      country: "LT",
      documents: ["ID_CARD", "PASSPORT", "OTHER"],
      dateOfBirth: "2000-02-29",
      dateOfExpiry: "2031-05-14",
      dateOfIssue: null,
      nationality: "lt",
      personalNumber: "49001011234",
      documentNumber: "LT1234567",
      sex: "F",
      address: "Gedimino pr. 1, Vilnius",
      generateDigitString: true,
      tokenType: "VIDEO_CALL_IDENTIFICATION",
      videoCallQuestions: ["Why?"],
      externalRef: "order-77",
      utilityBill: false,
      additionalSteps: { ALL: { UTILITY_BILL: "UPLOAD" } },
      additionalData: { UTILITY_BILL: { ssn: "123" } },
      callbackUrl: "https://hooks.example.com/markid",
      dummyStatus: "SUSPECTED",
      checkLiveness: true,
      reviewSuccessful: true,
      reviewFailed: false,
      driverLicenseBack: true,
      autoAmlMonitoring: false,
      fraudServices: ["AML_NAMES_CHECK", "LID", "AML_NEWS"],
      checkIpProxy: true,
      maxAttemptCount: 0,
      checkFaceBlacklist: true,
      checkDocFaceBlacklist: true,
      checkDuplicateFaces: true,
      checkDuplicateDocFaces: true,
      nfcRequired: false,
      faceMatchingThresholdModifier: 1,
      levenshteinTextMatchRatio: 0.8,
      levenshteinMrzMatchRatio: 0.7,
      checkUrjanet: false,
      detectionTypes: ["FACE", "EYES"],
    };
    expect(refusedFields(tokenEndpoint, full)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>]>([
    ["clientId", { clientId: "" }],
    ["clientId", { clientId: "x".repeat(101) }],
    ["clientId", { clientId: "klientas-ž" }],
    ["firstName", { firstName: "" }],
    ["firstName", { firstName: "R2D2" }],
    ["firstName", { firstName: "Ann@" }],
    ["lastName", { lastName: "Smith_" }],
    ["lastName", { lastName: "y".repeat(101) }],
    ["successUrl", { successUrl: "http" }],
    ["errorUrl", { errorUrl: "h".repeat(2049) }],
    ["successUrl", { successUrl: "http://example.com/ok" }],
    ["unverifiedUrl", { unverifiedUrl: "ftp://example.com/x" }],
    ["locale", { locale: "english-uk" }],
    ["locale", { locale: "e" }],
    ["expiryTime", { expiryTime: -1 }],
    ["expiryTime", { expiryTime: 2_592_001 }],
    ["expiryTime", { expiryTime: 10.5 }],
    ["sessionLength", { sessionLength: 59 }],
    ["sessionLength", { sessionLength: 3601 }],
    ["country", { country: "LTU" }],
    ["documents.1", { documents: ["PASSPORT", "passport card"] }],
    ["documents", { documents: "PASSPORT" }],
    ["documents", { documents: [] }],
    ["levenshteinTextMatchRatio", { levenshteinTextMatchRatio: 1.5 }],
    ["country", { country: [] }],
    ["country.1", { country: ["US", "USA"] }],
    ["dateOfBirth", { dateOfBirth: "01/02/1990" }],
    ["dateOfExpiry", { dateOfExpiry: "2031-13-01" }],
    ["dateOfIssue", { dateOfIssue: "2023-02-29" }],
    ["nationality", { nationality: "Lithuanian" }],
    ["personalNumber", { personalNumber: "" }],
    ["documentNumber", { documentNumber: "9".repeat(51) }],
    ["sex", { sex: "X" }],
    ["address", { address: "a".repeat(256) }],
    ["tokenType", { tokenType: "SELFIE" }],
    ["externalRef", { externalRef: "r".repeat(41) }],
    ["additionalSteps", { utilityBill: true, additionalSteps: { ALL: {} } }],
    ["additionalData", { additionalData: { UTILITY_BILL: {} } }],
    ["callbackUrl", { callbackUrl: "http://hooks.example.com" }],
    ["dummyStatus", { dummyStatus: "REVIEWING" }],
    ["fraudServices.0", { fraudServices: ["AML"] }],
    ["maxAttemptCount", { maxAttemptCount: -1 }],
    ["detectionTypes.0", { detectionTypes: ["NOSE"] }],
    ["checkLiveness", { checkLiveness: "yes" }],
    ["checkAml", { checkAml: 1 }],
    ["ageLimit", { ageLimit: 17.5 }],
    ["theme", { theme: "dark" }],
    ["registryCentersCountries.0", { registryCentersCountries: ["Lithuania"] }],
    ["firstname", { firstname: "misspelt field" }],
  ])("refuses %s in %j", (field, fields) => {
    expect(token(fields)).toEqual([field]);
  });

  it("accepts the boundaries", () => {
    expect(
      token({
        clientId: "x".repeat(100),
        sessionLength: 60,
        expiryTime: 0,
        externalRef: "r".repeat(40),
        address: "a".repeat(255),
      }),
    ).toEqual([]);
    expect(token({ successUrl: "https://x", country: null, sex: null })).toEqual([]);
  });

  it("writes issue messages that state the rule, not the value", () => {
    const issues = tokenEndpoint
      .encodeRequest({ clientId: "c", expiryTime: 99_999_999, locale: "zz zz", firstName: "B0b" })
      ._unsafeUnwrapErr();
    const byPath = Object.fromEntries(issues.map((issue) => [issue.path, issue.message]));
    expect(byPath.expiryTime).toBe("must be at most 2592000");
    expect(byPath.locale).toBe("must be a language code such as en");
    expect(byPath.firstName).toContain("must not contain digits");
    expect(JSON.stringify(issues)).not.toMatch(/99999999|zz zz|B0b/);
  });

  it("refuses a body that cannot be serialised, without throwing", () => {
    const circular: Record<string, never> = {};
    (circular as Record<string, unknown>).self = circular;
    expect(() => tokenEndpoint.encodeRequest({ clientId: "c", additionalSteps: circular })).not.toThrow();
    expect(tokenEndpoint.encodeRequest({ clientId: "c", additionalSteps: circular }).isErr()).toBe(true);
  });
});

describe("other requests", () => {
  it("add-dummy-status takes a scanRef string or list and the documented results", () => {
    expect(
      refusedFields(addDummyStatusEndpoint, {
        scanRef: "s",
        manualFaceMatchResult: "FACE_MATCH",
        manualDocumentValidity: "DOC_VALIDATED",
      }),
    ).toEqual([]);
    expect(refusedFields(addDummyStatusEndpoint, { scanRef: ["s1", "s2"] })).toEqual([]);
    expect(
      refusedFields(addDummyStatusEndpoint, {
        scanRef: "s",
        manualFaceMatchResult: "FACE_GLARED" as "FACE_MATCH",
      }),
    ).toEqual(["manualFaceMatchResult"]);
    expect(
      refusedFields(addDummyStatusEndpoint, {
        scanRef: "s",
        manualDocumentValidity: "DOC_GLARED" as "DOC_VALIDATED",
      }),
    ).toEqual(["manualDocumentValidity"]);
  });

  it("process requires token, country, document type and base64 images", () => {
    expect(
      refusedFields(processEndpoint, {
        authToken: "t",
        country: "LT",
        documentType: "PASSPORT",
        images: { FRONT: "AAAA", FACE: null },
      }),
    ).toEqual([]);
    expect(
      refusedFields(processEndpoint, {
        authToken: "",
        country: "LTU",
        documentType: "VISA" as "PASSPORT",
        images: { FRONT: "not base64!", SELFIE: "AAAA" } as { FRONT: string },
      }),
    ).toEqual(["authToken", "country", "documentType", "images.FRONT", "images.SELFIE"]);
  });

  it("process refuses an image over 6 MB and a body over 20 MB", () => {
    const image = (bytes: number) => Buffer.alloc(bytes).toString("base64");
    const base = { authToken: "t", country: "LT", documentType: "PASSPORT" } as const;
    expect(
      refusedFields(processEndpoint, { ...base, images: { FRONT: image(6 * 1024 * 1024 + 3) } }),
    ).toEqual(["images.FRONT"]);
    const five = image(5 * 1024 * 1024);
    expect(refusedFields(processEndpoint, { ...base, images: { FRONT: five, FACE: five } })).toEqual([]);
    // Three 5 MB images are 3 × 6.99 MB of base64: over the 20 MB request limit.
    expect(
      refusedFields(processEndpoint, { ...base, images: { FRONT: five, BACK: five, FACE: five } }),
    ).toEqual(["(root)"]);
  });

  it("lookups require a scanRef of at most 40 characters and nothing else", () => {
    expect(refusedFields(statusEndpoint, { scanRef: "s".repeat(40) })).toEqual([]);
    expect(refusedFields(statusEndpoint, { scanRef: "s".repeat(41) })).toEqual(["scanRef"]);
    expect(refusedFields(statusEndpoint, { scanRef: "s", extra: 1 } as { scanRef: string })).toEqual([
      "extra",
    ]);
  });
});
