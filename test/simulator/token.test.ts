import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../local/simulator";
import { call, createToken, expectedError, str } from "./support";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("POST /api/v2/token success", () => {
  it("answers 201 echoing the request with documented defaults and new session identifiers", async () => {
    const response = await call(sim, "/api/v2/token", {
      clientId: "cust-4821",
      firstName: "Rūta",
      externalRef: "order-77",
    });
    expect(response.status).toBe(201);
    const body = response.json!;
    expect(body).toMatchObject({
      message: "Token created successfully",
      clientId: "cust-4821",
      personScanRef: "cust-4821",
      firstName: "RŪTA",
      lastName: null,
      successUrl: null,
      callbackUrl: null,
      locale: null,
      showInstructions: true,
      country: null,
      expiryTime: 86400,
      sessionLength: 600,
      documents: ["ID_CARD", "PASSPORT"],
      allowedDocuments: { ALL: ["ID_CARD", "PASSPORT"] },
      dateOfBirth: null,
      sex: null,
      tokenType: "IDENTIFICATION",
      videoCallQuestions: [],
      externalRef: "order-77",
      utilityBill: false,
      additionalSteps: null,
      additionalData: null,
      digitString: null,
    });
    const authToken = str(body["authToken"]);
    expect(authToken.length).toBeGreaterThan(0);
    expect(authToken.length).toBeLessThanOrEqual(40);
    expect(str(body["scanRef"])).toMatch(UUID);
    expect(body["redirectUrl"]).toBe(`${sim.url}/api/v2/redirect?authToken=${authToken}`);
  });

  it("keys allowedDocuments by the fixed country and echoes given fields and settings", async () => {
    const body = await createToken(sim, {
      country: "LT",
      documents: ["PASSPORT", "OTHER"],
      locale: "lt",
      expiryTime: 2_592_000,
      sessionLength: 3599,
      dateOfBirth: "1990-02-28",
      sex: "F",
      checkLiveness: true,
      fraudServices: ["AML_NAMES_CHECK"],
    });
    expect(body).toMatchObject({
      country: "LT",
      allowedDocuments: { LT: ["PASSPORT", "OTHER"] },
      locale: "lt",
      expiryTime: 2_592_000,
      sessionLength: 3599,
      dateOfBirth: "1990-02-28",
      sex: "F",
      checkLiveness: true,
      fraudServices: ["AML_NAMES_CHECK"],
    });
  });

  it("generates an 8-digit digitString when asked", async () => {
    const body = await createToken(sim, { generateDigitString: true });
    expect(str(body["digitString"])).toMatch(/^\d{8}$/);
  });

  it("accepts the legacy personScanRef alias for clientId", async () => {
    const body = await createToken(sim, { clientId: undefined, personScanRef: "legacy-7" });
    expect(body["clientId"]).toBe("legacy-7");
  });

  it("accepts names with apostrophes, hyphens and dots, and the boundary values", async () => {
    const body = await createToken(sim, { firstName: "O'Brien-Smith Jr.", expiryTime: 0, sessionLength: 60 });
    expect(body["firstName"]).toBe("O'BRIEN-SMITH JR.");
  });

  it("creates a new scanRef and authToken for every request, even for the same clientId", async () => {
    const first = await createToken(sim, { clientId: "same" });
    const second = await createToken(sim, { clientId: "same" });
    expect(first["scanRef"]).not.toBe(second["scanRef"]);
    expect(first["authToken"]).not.toBe(second["authToken"]);
  });
});

describe("POST /api/v2/token validation", () => {
  const long = (n: number): string => "a".repeat(n);
  const cases: [string, Record<string, unknown>, "MISSING_VALUE" | "BAD_VALUE", string][] = [
    ["no clientId", { clientId: undefined }, "MISSING_VALUE", "clientId"],
    ["null clientId", { clientId: null }, "MISSING_VALUE", "clientId"],
    ["clientId over 100", { clientId: long(101) }, "BAD_VALUE", "clientId"],
    ["non-ASCII clientId", { clientId: "Jūratė" }, "BAD_VALUE", "clientId"],
    ["clientId not a string", { clientId: 42 }, "BAD_VALUE", "clientId"],
    ["digit in firstName", { firstName: "J0nas" }, "BAD_VALUE", "firstName"],
    ["special character in lastName", { lastName: "Smith@" }, "BAD_VALUE", "lastName"],
    ["empty firstName", { firstName: "" }, "BAD_VALUE", "firstName"],
    ["firstName over 100", { firstName: long(101) }, "BAD_VALUE", "firstName"],
    ["short successUrl", { successUrl: "a" }, "BAD_VALUE", "successUrl"],
    ["locale of the wrong shape", { locale: "english-uk" }, "BAD_VALUE", "locale"],
    ["showInstructions not boolean", { showInstructions: "yes" }, "BAD_VALUE", "showInstructions"],
    ["negative expiryTime", { expiryTime: -1 }, "BAD_VALUE", "expiryTime"],
    ["expiryTime over 30 days", { expiryTime: 2_592_001 }, "BAD_VALUE", "expiryTime"],
    ["fractional expiryTime", { expiryTime: 1.5 }, "BAD_VALUE", "expiryTime"],
    ["sessionLength 59", { sessionLength: 59 }, "BAD_VALUE", "sessionLength"],
    ["sessionLength 3601", { sessionLength: 3601 }, "BAD_VALUE", "sessionLength"],
    ["alpha-3 country", { country: "ltu" }, "BAD_VALUE", "country"],
    ["empty country list", { country: [] }, "BAD_VALUE", "country"],
    ["document of the wrong shape", { documents: ["id card"] }, "BAD_VALUE", "documents.0"],
    ["empty documents", { documents: [] }, "BAD_VALUE", "documents"],
    ["month 13", { dateOfBirth: "1990-13-01" }, "BAD_VALUE", "dateOfBirth"],
    ["non-ISO date", { dateOfExpiry: "01/02/2030" }, "BAD_VALUE", "dateOfExpiry"],
    ["30 February", { dateOfIssue: "2020-02-30" }, "BAD_VALUE", "dateOfIssue"],
    ["alpha-3 nationality", { nationality: "LTU" }, "BAD_VALUE", "nationality"],
    ["empty personalNumber", { personalNumber: "" }, "BAD_VALUE", "personalNumber"],
    ["sex X", { sex: "X" }, "BAD_VALUE", "sex"],
    ["address over 255", { address: long(256) }, "BAD_VALUE", "address"],
    ["unknown tokenType", { tokenType: "SELFIE" }, "BAD_VALUE", "tokenType"],
    ["externalRef over 40", { externalRef: long(41) }, "BAD_VALUE", "externalRef"],
    ["additionalSteps not an object", { additionalSteps: "x" }, "BAD_VALUE", "additionalSteps"],
    ["http callbackUrl", { callbackUrl: "http://example.com/hook" }, "BAD_VALUE", "callbackUrl"],
    ["unknown dummyStatus", { dummyStatus: "MAYBE" }, "BAD_VALUE", "dummyStatus"],
    ["setting of the wrong type", { checkLiveness: "yes" }, "BAD_VALUE", "checkLiveness"],
    [
      "utilityBill with additionalSteps",
      { utilityBill: true, additionalSteps: { ALL: {} } },
      "BAD_VALUE",
      "utilityBill",
    ],
    [
      "additionalData without additionalSteps",
      { additionalData: { ssn: "1" } },
      "BAD_VALUE",
      "additionalData",
    ],
    [
      "digit string beyond the default expiry",
      { generateDigitString: true, expiryTime: 86_401 },
      "BAD_VALUE",
      "expiryTime",
    ],
  ];

  it.each(cases)("%s is refused, naming the field", async (_name, fields, identifier, field) => {
    const before = sim.control.tokenBalance();
    const body = "clientId" in fields ? fields : { clientId: "c-1", ...fields };
    const response = await call(sim, "/api/v2/token", body);
    expect(response.status).toBe(400);
    expect(response.json).toEqual(expectedError(identifier));
    expect(str(response.json!["message"])).toContain(`'${field}'`);
    expect(sim.control.tokenBalance()).toBe(before);
  });

  it("does not echo the refused value in the message", async () => {
    const response = await call(sim, "/api/v2/token", { clientId: "c", firstName: "Secret9Name" });
    expect(response.text).not.toContain("Secret9Name");
  });
});

describe("token balance", () => {
  it("spends one token per creation and answers the documented token-limit error at zero", async () => {
    const local = await startSimulator({ tokenBalance: 2 });
    try {
      await createToken(local);
      expect(local.control.tokenBalance()).toBe(1);
      await createToken(local, { dummyStatus: "ACTIVE" });
      expect(local.control.tokenBalance()).toBe(0);
      const refused = await call(local, "/api/v2/token", { clientId: "c" });
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual(expectedError("PERMISSIONS_ERROR", "Partner reached token limit."));
      local.control.setTokenBalance(1);
      expect((await call(local, "/api/v2/token", { clientId: "c" })).status).toBe(201);
    } finally {
      await local.close();
    }
  });

  it("refuses a negative balance", () => {
    expect(() => sim.control.setTokenBalance(-1)).toThrow(RangeError);
  });
});

describe("contract and environment", () => {
  it("refuses contract-gated features with PARTNER_CONTRACT_ERROR and spends nothing", async () => {
    const local = await startSimulator({
      contract: { generateDigitString: false, callbackUrl: false, aml: false, fraud: false },
    });
    try {
      for (const fields of [
        { generateDigitString: true },
        { callbackUrl: "https://example.com/hook" },
        { fraudServices: ["AML_NAMES_CHECK"] },
        { fraudServices: ["LID"] },
      ]) {
        const response = await call(local, "/api/v2/token", { clientId: "c", ...fields });
        expect(response.status).toBe(400);
        expect(response.json).toEqual(expectedError("PARTNER_CONTRACT_ERROR"));
      }
      expect(local.control.tokenBalance()).toBe(1000);
      expect((await call(local, "/api/v2/token", { clientId: "c", generateDigitString: false })).status).toBe(
        201,
      );
    } finally {
      await local.close();
    }
  });

  it("refuses dummy sessions outside DEV with the documented message", async () => {
    const local = await startSimulator({ environment: "PRODUCTION" });
    try {
      const message = "This endpoint is not available for PRODUCTION partners.";
      const token = await call(local, "/api/v2/token", { clientId: "c", dummyStatus: "APPROVED" });
      expect(token.status).toBe(400);
      expect(token.json).toEqual(expectedError("PERMISSIONS_ERROR", message));
      const manual = await call(local, "/api/v2/add-dummy-status", {
        scanRef: "5b1e0f7a-2c3d-11ee-9a41-0242ac120002",
        manualFaceMatchResult: "FACE_MATCH",
        manualDocumentValidity: "DOC_VALIDATED",
      });
      expect(manual.json).toEqual(expectedError("PERMISSIONS_ERROR", message));
      expect((await call(local, "/api/v2/token", { clientId: "c" })).status).toBe(201);
    } finally {
      await local.close();
    }
  });
});

describe("GET /api/v2/redirect", () => {
  it("redirects the browser to the (simulated) hosted UI without basic auth", async () => {
    const token = await createToken(sim);
    const redirect = await call(sim, `/api/v2/redirect?authToken=${str(token["authToken"])}`, undefined, {
      method: "GET",
      auth: null,
    });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get("location")!;
    expect(location).toContain(`authToken=${str(token["authToken"])}`);
    const page = await fetch(location);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Session ready");
  });

  it("needs an authToken", async () => {
    const response = await call(sim, "/api/v2/redirect", undefined, { method: "GET", auth: null });
    expect(response.json).toEqual(expectedError("MISSING_VALUE"));
  });
});
