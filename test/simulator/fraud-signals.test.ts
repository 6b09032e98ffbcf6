import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../local/simulator";
import { call, expectedError } from "./support";

// /fraud/estimate-fraud-probability and /fraud/proxy-check over real HTTP.

let sim: Simulator;
let noFraudContract: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
  noFraudContract = await startSimulator({ contract: { fraud: false } });
});
afterAll(async () => {
  await sim.close();
  await noFraudContract.close();
});
beforeEach(() => {
  sim.control.clearFaults();
  sim.control.clearRequests();
});

const ESTIMATE = "/fraud/estimate-fraud-probability";
const PROXY = "/fraud/proxy-check";

describe("POST /fraud/estimate-fraud-probability", () => {
  it("answers the documented example with MEDIUM", async () => {
    const response = await call(sim, ESTIMATE, {
      ip_address: "198.51.100.20",
      email_address: "a.b@example.org",
      country: "LV",
    });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ fraud_level: "MEDIUM" });
  });

  it.each([
    [{ ip_address: "192.0.2.7" }, "LOW"],
    [{ ip_address: "203.0.113.9", email_address: "x@example.org" }, "HIGH"],
    [{ ip_address: "2001:db8::1" }, "VERY_HIGH"],
    [{ ip_address: "8.8.8.8" }, "VERY_LOW"],
    [{ email_address: "someone@shop.invalid" }, "HIGH"],
    [{ email_domain: "example.org" }, "VERY_LOW"],
    // Nothing the simulator scores: a private address and a browser header only.
    [{ ip_address: "10.1.2.3", user_agent: "Mozilla/5.0" }, "NOT_CHECKED"],
  ])("scores %j as %s", async (body, level) => {
    expect((await call(sim, ESTIMATE, body)).json).toEqual({ fraud_level: level });
  });

  it("accepts every documented field at its limits", async () => {
    const response = await call(sim, ESTIMATE, {
      user_agent: "u".repeat(512),
      accept_language: "en-US,en;q=0.8",
      ip_address: "64.236.213.12",
      first_name: "f".repeat(255),
      last_name: "Smith",
      email_address: "john@example.com",
      email_domain: "example.com",
      street_address: "123 Address Rd.",
      city: "Boston",
      country: "US",
      postal_code: "34455",
      phone_number: "3439007998",
      phone_country_code: "+370",
      credit_card_number_6: "410608",
      credit_card_last_4_digits: "9930",
    });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ fraud_level: "VERY_LOW" });
  });

  it.each([{}, { unknown_field: "x" }])(
    "refuses a request without any documented field (%j)",
    async (body) => {
      const response = await call(sim, ESTIMATE, body);
      expect(response.status).toBe(400);
      expect(response.json).toEqual(expectedError("MISSING_VALUE"));
    },
  );

  it.each([
    ["user_agent", "u".repeat(513)],
    ["first_name", "f".repeat(256)],
    ["ip_address", "300.1.1.1"],
    ["country", "LVA"],
    ["phone_country_code", "+3705"],
    ["credit_card_number_6", "41060"],
    ["credit_card_number_6", "41060a"],
    ["credit_card_last_4_digits", "99300"],
    ["email_address", 42],
  ])("refuses %s = %j with BAD_VALUE naming the field", async (field, value) => {
    const response = await call(sim, ESTIMATE, { [field]: value });
    expect(response.status).toBe(400);
    expect(response.json).toEqual(expectedError("BAD_VALUE"));
    expect(String(response.json?.["message"])).toContain(field);
  });
});

describe("POST /fraud/proxy-check", () => {
  it.each([
    ["192.0.2.1", "LOW"],
    ["198.51.100.1", "MEDIUM"],
    ["203.0.113.1", "HIGH"],
    ["2001:db8:1::5", "VERY_HIGH"],
    ["127.0.0.1", "NOT_CHECKED"],
    ["1.1.1.1", "VERY_LOW"],
    ["2a00:1450::1", "VERY_LOW"],
  ])("rates %s as %s", async (ip, level) => {
    const response = await call(sim, PROXY, { ip_address: ip });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ risk_level: level });
  });

  it("answers MISSING_VALUE without ip_address and BAD_VALUE for a malformed one", async () => {
    expect((await call(sim, PROXY, {})).json).toEqual(
      expectedError("MISSING_VALUE", "Missing mandatory value for 'ip_address'."),
    );
    const bad = await call(sim, PROXY, { ip_address: "not-an-ip" });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual(expectedError("BAD_VALUE"));
  });
});

describe("shared behaviour of the fraud routes", () => {
  it.each([ESTIMATE, PROXY])("%s requires basic auth", async (path) => {
    const response = await call(sim, path, { ip_address: "1.1.1.1" }, { auth: null });
    expect(response.json).toEqual(expectedError("UNAUTHORIZED"));
  });

  it.each([ESTIMATE, PROXY])("%s accepts POST only", async (path) => {
    const response = await call(sim, path, undefined, { method: "GET" });
    expect(response.json).toEqual(expectedError("METHOD_NOT_ALLOWED"));
  });

  it.each([ESTIMATE, PROXY])("%s is refused when fraud services are not in the contract", async (path) => {
    const response = await call(noFraudContract, path, { ip_address: "1.1.1.1" });
    expect(response.status).toBe(400);
    expect(response.json).toEqual(expectedError("PARTNER_CONTRACT_ERROR"));
  });

  it("is recorded in the request log and subject to injected faults", async () => {
    sim.control.injectFault({
      fault: { type: "identifier", identifier: "INTERNAL_ERROR", status: 500 },
      path: PROXY,
    });
    const faulted = await call(sim, PROXY, { ip_address: "1.1.1.1" });
    expect(faulted.status).toBe(500);
    expect(faulted.json).toEqual(expect.objectContaining({ identifier: "INTERNAL_ERROR" }));
    expect((await call(sim, PROXY, { ip_address: "1.1.1.1" })).status).toBe(200);

    const logged = sim.control.requests().filter((request) => request.path === PROXY);
    expect(logged.map((request) => request.status)).toEqual([500, 200]);
    expect(logged[0]?.body).toBe(JSON.stringify({ ip_address: "1.1.1.1" }));
  });
});
