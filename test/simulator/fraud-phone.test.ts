import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startSimulator, type Simulator } from "../../local/simulator";
import { call, expectedError, str } from "./support";

// /fraud/validate-phone, /fraud/send-sms, /fraud/verify-sms and /api/v2/check-gdc-api over real HTTP.

let sim: Simulator;
let noFraud: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
  noFraud = await startSimulator({ contract: { fraud: false } });
});
afterAll(async () => {
  await Promise.all([sim.close(), noFraud.close()]);
});
afterEach(() => {
  vi.useRealTimers();
});

const VALIDATE = "/fraud/validate-phone";
const SEND = "/fraud/send-sms";
const VERIFY = "/fraud/verify-sms";
const GDC = "/api/v2/check-gdc-api";

async function sendSms(): Promise<string> {
  const response = await call(sim, SEND, { phone_number: "+37060000001", sender_name: "Shop" });
  expect(response.status).toBe(200);
  return str(response.json?.["request_id"]);
}

const verify = async (requestId: string, code: string) =>
  (await call(sim, VERIFY, { request_id: requestId, received_code: code })).json;

const wrongCode = (code: string) => String((Number(code) + 1) % 10_000).padStart(4, "0");

describe("POST /fraud/validate-phone", () => {
  it("describes a known mobile number, the same risk score every time", async () => {
    const first = await call(sim, VALIDATE, { phone_number: "+37061234567" });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({
      risk_score: expect.any(Number) as unknown,
      country_code: "LT",
      current_network: expect.any(String) as unknown,
      current_route: "mobile",
      original_network: expect.any(String) as unknown,
      availability: "reachable",
      validity: "valid",
      roaming: "not_roaming",
      roaming_country: null,
      roaming_network_name: null,
      request_id: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
    });
    const score = first.json?.["risk_score"] as number;
    expect(score).toBeGreaterThanOrEqual(0);
    expect(score).toBeLessThanOrEqual(99);
    expect((await call(sim, VALIDATE, { phone_number: "+37061234567" })).json?.["risk_score"]).toBe(score);
  });

  it("reports roaming when the current location differs from the number's country", async () => {
    const response = await call(sim, VALIDATE, { phone_number: "+4915112345678", current_location: "LT" });
    expect(response.json).toMatchObject({ country_code: "DE", roaming: "roaming", roaming_country: "LT" });
  });

  it("answers an empty string for a number that is not a mobile one, as iDenfy documents", async () => {
    const response = await call(sim, VALIDATE, { phone_number: "+37052123456" });
    expect(response.status).toBe(200);
    expect(response.text).toBe('""');
  });

  it("answers unknown details for a country it does not know", async () => {
    const response = await call(sim, VALIDATE, { phone_number: "+81312345678" });
    expect(response.json).toMatchObject({ country_code: null, validity: "unknown", roaming: "unknown" });
  });

  it.each([
    [{}, "MISSING_VALUE", "phone_number"],
    [{ phone_number: "861234567" }, "BAD_VALUE", "phone_number"],
    [{ phone_number: "+0123456" }, "BAD_VALUE", "phone_number"],
    [{ phone_number: "+37061234567", current_location: "LTU" }, "BAD_VALUE", "current_location"],
  ])("refuses %j with %s naming %s", async (body, identifier, field) => {
    const response = await call(sim, VALIDATE, body);
    expect(response.json).toEqual(expectedError(identifier));
    expect(String(response.json?.["message"])).toContain(`'${field}'`);
  });
});

describe("SMS one-time codes", () => {
  it("verifies the code readable through the control surface, once", async () => {
    const requestId = await sendSms();
    expect(requestId).toMatch(/^[0-9a-f]{32}$/);
    const code = sim.control.smsCode(requestId);
    expect(code).toMatch(/^\d{4}$/);
    expect(await verify(requestId, code!)).toEqual({ is_verified: true });
    // Already validated: the same code is not accepted twice.
    expect(await verify(requestId, code!)).toEqual({ is_verified: false });
  });

  it("exposes the code over HTTP control too, and 404s an unknown request", async () => {
    const requestId = await sendSms();
    const known = await fetch(`${sim.url}/__control/sms-code?requestId=${requestId}`);
    expect(await known.json()).toEqual({ code: sim.control.smsCode(requestId) });
    expect((await fetch(`${sim.url}/__control/sms-code?requestId=unknown`)).status).toBe(404);
    expect(sim.control.smsCode("unknown")).toBeUndefined();
  });

  it("gives each request its own code", async () => {
    const codes = new Set<string | undefined>();
    for (let i = 0; i < 8; i += 1) codes.add(sim.control.smsCode(await sendSms()));
    expect(codes.size).toBeGreaterThan(1);
  });

  it("refuses a wrong code, and burns the request after three wrong ones", async () => {
    const requestId = await sendSms();
    const code = sim.control.smsCode(requestId)!;
    expect(await verify(requestId, wrongCode(code))).toEqual({ is_verified: false });
    expect(await verify(requestId, code)).toEqual({ is_verified: true });

    const burnt = await sendSms();
    const burntCode = sim.control.smsCode(burnt)!;
    for (let i = 0; i < 3; i += 1)
      expect(await verify(burnt, wrongCode(burntCode))).toEqual({ is_verified: false });
    expect(await verify(burnt, burntCode)).toEqual({ is_verified: false });
  });

  it("refuses a code after its five minutes", async () => {
    const requestId = await sendSms();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 5 * 60 * 1000 + 1000);
    expect(await verify(requestId, sim.control.smsCode(requestId)!)).toEqual({ is_verified: false });
  });

  it("answers BAD_VALUE for an unknown request_id", async () => {
    const response = await call(sim, VERIFY, { request_id: "0".repeat(32), received_code: "1234" });
    expect(response.json).toEqual(expectedError("BAD_VALUE"));
    expect(String(response.json?.["message"])).toContain("'request_id'");
  });

  it.each([
    [SEND, {}, "MISSING_VALUE", "phone_number"],
    [SEND, { phone_number: "+37060000001", sender_name: "TwelveChars!" }, "BAD_VALUE", "sender_name"],
    [SEND, { phone_number: "0037060000001" }, "BAD_VALUE", "phone_number"],
    [VERIFY, { received_code: "1234" }, "MISSING_VALUE", "request_id"],
    [VERIFY, { request_id: "0".repeat(32) }, "MISSING_VALUE", "received_code"],
    [VERIFY, { request_id: "short", received_code: "1234" }, "BAD_VALUE", "request_id"],
    [VERIFY, { request_id: "0".repeat(32), received_code: "12345" }, "BAD_VALUE", "received_code"],
    [VERIFY, { request_id: "0".repeat(32), received_code: "12a4" }, "BAD_VALUE", "received_code"],
  ])("%s refuses %j with %s naming %s", async (path, body, identifier, field) => {
    const response = await call(sim, path, body);
    expect(response.json).toEqual(expectedError(identifier));
    expect(String(response.json?.["message"])).toContain(`'${field}'`);
  });
});

describe("POST /api/v2/check-gdc-api", () => {
  it("answers the documented shape with reliability 10 when everything matches", async () => {
    const response = await call(sim, GDC, {
      name: "John",
      surname: "Smith",
      dateOfBirth: "1958-10-12",
      ssnNumber: "1234567890",
    });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      completename: "John Smith",
      nationalid: "1234567890",
      dob: "10/12/1958",
      countryCode: "US",
      codes: {
        reliability: "10",
        messages: expect.arrayContaining([expect.objectContaining({ code: "Codes" })]) as unknown,
      },
    });
  });

  it.each([
    [{ name: "John", surname: "Smith", dateOfBirth: "10/12/1958" }, "20"],
    [{ name: "John", surname: "Smith" }, "30"],
    [{ ssnNumber: "1234567890" }, "30"],
  ])("rates %j with reliability %s", async (body, reliability) => {
    const response = await call(sim, GDC, body);
    expect((response.json?.["codes"] as Record<string, unknown>)["reliability"]).toBe(reliability);
  });

  it.each([
    [{}, "MISSING_VALUE", "name"],
    [{ name: "John" }, "MISSING_VALUE", "surname"],
    [{ name: "John", surname: "Smith", dateOfBirth: "12.10.1958" }, "BAD_VALUE", "dateOfBirth"],
  ])("refuses %j with %s naming %s", async (body, identifier, field) => {
    const response = await call(sim, GDC, body);
    expect(response.json).toEqual(expectedError(identifier));
    expect(String(response.json?.["message"])).toContain(`'${field}'`);
  });
});

describe("auth and contract", () => {
  it.each([VALIDATE, SEND, VERIFY, GDC])("%s requires basic auth", async (path) => {
    expect((await call(sim, path, {}, { auth: null })).json).toEqual(expectedError("UNAUTHORIZED"));
  });

  it.each([VALIDATE, SEND, VERIFY, GDC])(
    "%s is refused without fraud services in the contract",
    async (path) => {
      const response = await call(noFraud, path, { phone_number: "+37060000001" });
      expect(response.json).toEqual(expectedError("PARTNER_CONTRACT_ERROR"));
    },
  );
});
