import { okAsync } from "neverthrow";
import type { ResultAsync } from "neverthrow";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFraudClient, createMarkIdClient } from "../../lib/markid";
import type { CredentialsSource, FraudCheckRequest, FraudClient, MarkIdError } from "../../lib/markid";
import { startSimulator } from "../../local/simulator";
import type { Simulator } from "../../local/simulator";
import { failure, success } from "./support/results";

/** The fraud and AML client over real HTTP against the local simulator. */

const API_KEY = "fraud-sim-key";
const API_SECRET = "fraud-sim-secret-never-log";
const credentials: CredentialsSource = () => okAsync({ apiKey: API_KEY, apiSecret: API_SECRET });

let sim: Simulator;
let noContract: Simulator;
let fraud: FraudClient;
let refused: FraudClient;
beforeAll(async () => {
  sim = await startSimulator({ apiKey: API_KEY, apiSecret: API_SECRET });
  noContract = await startSimulator({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    contract: { fraud: false, aml: false },
  });
  fraud = createFraudClient({ baseUrl: sim.url, credentials, timeoutMs: 5000 });
  refused = createFraudClient({ baseUrl: noContract.url, credentials, timeoutMs: 5000 });
});
afterAll(async () => {
  await Promise.all([sim.close(), noContract.close()]);
});
beforeEach(() => {
  sim.control.clearFaults();
  sim.control.clearRequests();
});

/** The request was refused before sending: invalid-request naming these fields, nothing on the wire. */
async function expectRefusedLocally<T>(pending: ResultAsync<T, MarkIdError>, fields: string[]) {
  const sentBefore = sim.control.requests().length;
  const error = await failure(pending);
  expect(error).toMatchObject({ kind: "invalid-request" });
  expect(
    (error as Extract<MarkIdError, { kind: "invalid-request" }>).issues.map((issue) => issue.path),
  ).toEqual(fields);
  expect(sim.control.requests()).toHaveLength(sentBefore);
}

const scanRefOf = async (fields: Record<string, unknown> = {}) => {
  const response = await fetch(`${sim.url}/api/v2/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString("base64")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ clientId: "fraud-client", ...fields }),
  });
  return ((await response.json()) as { scanRef: string }).scanRef;
};

describe("fraud signals", () => {
  it("estimates fraud probability", async () => {
    const reply = await success(
      fraud.estimateFraudProbability({
        ip_address: "198.51.100.20",
        email_address: "a.b@example.org",
        country: "LV",
      }),
    );
    expect(reply).toEqual({ fraud_level: "MEDIUM" });
    const [request] = sim.control.requests();
    expect(request).toMatchObject({
      method: "POST",
      path: "/fraud/estimate-fraud-probability",
      authorized: true,
    });
    expect(JSON.parse(request!.body)).toEqual({
      ip_address: "198.51.100.20",
      email_address: "a.b@example.org",
      country: "LV",
    });
  });

  it("refuses an empty estimate request and each broken constraint before sending", async () => {
    await expectRefusedLocally(fraud.estimateFraudProbability({}), ["(root)"]);
    await expectRefusedLocally(
      fraud.estimateFraudProbability({
        user_agent: "u".repeat(513),
        ip_address: "1.2.3",
        country: "LVA",
        phone_country_code: "+37012",
        credit_card_number_6: "12345",
        credit_card_last_4_digits: "12a4",
      }),
      [
        "user_agent",
        "ip_address",
        "country",
        "phone_country_code",
        "credit_card_number_6",
        "credit_card_last_4_digits",
      ],
    );
  });

  it("checks an IP address for proxies, and refuses a malformed one locally", async () => {
    expect(await success(fraud.proxyCheck("2001:db8::7"))).toEqual({ risk_level: "VERY_HIGH" });
    await expectRefusedLocally(fraud.proxyCheck("999.1.1.1"), ["ip_address"]);
  });
});

describe("fraud check", () => {
  it("screens a person in DATA mode", async () => {
    const reply = await success(
      fraud.fraudCheck({
        mode: "DATA",
        services: ["AML"],
        data: [{ name: "Manfred", surname: "Weber", negativeNews: true }],
      }),
    );
    expect(reply.AML?.map((entry) => entry.serviceName)).toEqual([
      "PilotApiAmlV2NameCheck",
      "PilotApiAmlV2NegativeNews",
    ]);
    expect(reply.AML?.[0]?.status?.overallStatus).toBe("SUSPECTED");
    expect(reply.AML?.[0]?.data?.[0]).toMatchObject({ suspicion: "PEPS", score: 97 });
    expect(reply.LID).toBeUndefined();
  });

  it("screens a verification in IDENTIFICATION mode and checks documents and companies", async () => {
    const scanRef = await scanRefOf({ firstName: "Jonas", lastName: "Jonaitis" });
    const identified = await success(
      fraud.fraudCheck({ mode: "IDENTIFICATION", services: ["AML"], data: [{ scanRef }] }),
    );
    expect(identified.AML?.[0]?.status?.overallStatus).toBe("NOT_SUSPECTED");

    const lid = await success(
      fraud.fraudCheck({
        mode: "DATA",
        services: ["LID", "COMPANY"],
        data: [{ number: "74587539", country: "LT", companyName: "GoPayments" }],
      }),
    );
    expect(lid.LID?.[0]?.status?.serviceSuspected).toBe(true);
    expect(lid.COMPANY?.[0]?.serviceGroupType).toBe("COMPANY");
  });

  it("refuses locally a request Mark ID would reject: two entries, missing mode-specific fields, bad filters", async () => {
    const twoEntries = {
      mode: "DATA",
      services: ["AML"],
      data: [{ name: "A" }, { name: "B" }],
    } as unknown as FraudCheckRequest;
    await expectRefusedLocally(fraud.fraudCheck(twoEntries), ["data"]);
    await expectRefusedLocally(
      fraud.fraudCheck({ mode: "IDENTIFICATION", services: ["AML"], data: [{ name: "A" }] }),
      ["data.0.scanRef"],
    );
    await expectRefusedLocally(
      fraud.fraudCheck({ mode: "DATA", services: ["AML", "LID"], data: [{ surname: "B" }] }),
      ["data.0.name", "data.0.country"],
    );
    await expectRefusedLocally(
      fraud.fraudCheck({
        mode: "DATA",
        services: ["AML"],
        data: [{ name: "A", probability: 0, nationality: "LT", dateOfBirth: "1990-13-01" }],
      }),
      ["data.0.probability", "data.0.dateOfBirth", "data.0.nationality"],
    );
  });
});

describe("AML monitoring", () => {
  it("adds, reads, lists, whitelists, reports on and deletes an entry", async () => {
    const { monitoringId } = await success(
      fraud.addAmlUser({ type: "PERSON", name: "Manfred", surname: "Weber", dateOfBirth: "1965-05-05" }),
    );
    const scanRef = await scanRefOf({ firstName: "Ruta", lastName: "Petraite" });
    const byScanRef = await success(fraud.addAmlUser({ scanRef }));
    expect(byScanRef.monitoringId).not.toBe(monitoringId);

    const alert = await success(fraud.getMonitoringCallback(monitoringId));
    expect(alert).toMatchObject({ monitoringId, alert_status: "ALERT", isActive: true, scanRefList: [] });
    expect(alert.results?.[0]?.data?.[0]).toMatchObject({ listNumber: "SIM-PEP-0001", whitelisted: false });
    // The simulator sends scanRefList as Python-style list text, like the docs' "[]": normalised.
    expect((await success(fraud.getMonitoringCallback(byScanRef.monitoringId))).scanRefList).toEqual([
      scanRef,
    ]);

    const listed = await success(fraud.listAmlUsers());
    expect(
      sim.control
        .requests()
        .some((request) => request.method === "GET" && request.path === "/api/v2/get-aml-users"),
    ).toBe(true);
    expect(listed.users.find((user) => user.monitoring_id === monitoringId)).toMatchObject({
      is_suspected: true,
      type: "PERSON",
    });

    await success(fraud.addWhitelist({ monitoringId, whitelist: { PEPS: ["SIM-PEP-0001"] } }));
    expect((await success(fraud.getMonitoringCallback(monitoringId))).alert_status).toBe("ACCEPTED");
    await success(fraud.clearUserWhitelist(monitoringId));
    expect((await success(fraud.getMonitoringCallback(monitoringId))).alert_status).toBe("ALERT");

    const pdf = await success(fraud.generateAmlPdf(monitoringId));
    expect(Buffer.from(pdf, "base64").subarray(0, 5).toString("latin1")).toBe("%PDF-");

    await success(fraud.deleteMonitoringUser(monitoringId));
    const paths = sim.control.requests().map((request) => request.path);
    expect(paths).toContain("/api/v2/delete-monitoring-user/");
    expect(paths).toContain("/api/v2/clear-user-whitelist/");
    expect(await failure(fraud.getMonitoringCallback(monitoringId))).toMatchObject({
      kind: "api",
      identifier: "BAD_VALUE",
    });
  });

  it("adds a company", async () => {
    const { monitoringId } = await success(
      fraud.addAmlUser({ type: "COMPANY", name: "GoPayments", country: "GB" }),
    );
    expect((await success(fraud.getMonitoringCallback(monitoringId))).alert_status).toBe("ALERT");
  });

  it("refuses incomplete subjects and whitelists locally", async () => {
    await expectRefusedLocally(fraud.addAmlUser({ type: "PERSON", name: "A" } as never), ["surname"]);
    await expectRefusedLocally(fraud.addAmlUser({ type: "COMPANY", name: "Co" } as never), ["country"]);
    await expectRefusedLocally(fraud.addAmlUser({ name: "A", surname: "B" } as never), ["type"]);
    await expectRefusedLocally(fraud.addWhitelist({ whitelist: ["PEPS"] }), ["monitoringId"]);
    await expectRefusedLocally(fraud.addWhitelist({ monitoringId: "X", whitelist: [] }), ["whitelist"]);
    await expectRefusedLocally(fraud.getMonitoringCallback(""), ["monitoringId"]);
  });

  it("maps an unknown monitoringId to the simulator's BAD_VALUE", async () => {
    const errors = await Promise.all([
      failure(fraud.deleteMonitoringUser("NOPE")),
      failure(fraud.clearUserWhitelist("NOPE")),
      failure(fraud.generateAmlPdf("NOPE")),
    ]);
    for (const error of errors)
      expect(error).toMatchObject({ kind: "api", identifier: "BAD_VALUE", status: 400 });
  });
});

describe("phone, SMS and global data sources", () => {
  it("validates a phone number, and reads the documented empty-string reply as null", async () => {
    const known = await success(
      fraud.validatePhone({ phone_number: "+37061234567", current_location: "LT" }),
    );
    expect(known).toMatchObject({ country_code: "LT", validity: "valid", roaming: "not_roaming" });
    expect(await success(fraud.validatePhone({ phone_number: "+37052123456" }))).toBeNull();
    await expectRefusedLocally(fraud.validatePhone({ phone_number: "861234567" }), ["phone_number"]);
  });

  it("sends an SMS and verifies its code", async () => {
    const { request_id } = await success(
      fraud.sendSms({ phone_number: "+37060000001", sender_name: "MyShop" }),
    );
    const code = sim.control.smsCode(request_id);
    expect(code).toBeDefined();
    expect(await success(fraud.verifySms({ request_id, received_code: code! }))).toEqual({
      is_verified: true,
    });
    expect(await success(fraud.verifySms({ request_id, received_code: code! }))).toEqual({
      is_verified: false,
    });
  });

  it("refuses SMS requests breaking the documented limits locally", async () => {
    await expectRefusedLocally(fraud.sendSms({ phone_number: "+37060000001", sender_name: "TwelveChars!" }), [
      "sender_name",
    ]);
    await expectRefusedLocally(fraud.verifySms({ request_id: "short", received_code: "123" }), [
      "request_id",
      "received_code",
    ]);
  });

  it("checks global data sources", async () => {
    const reply = await success(
      fraud.checkGdc({ name: "John", surname: "Smith", ssnNumber: "1234567890", dateOfBirth: "1958-10-12" }),
    );
    expect(reply.codes?.reliability).toBe("10");
    expect(reply.completename).toBe("John Smith");
    await expectRefusedLocally(fraud.checkGdc({ name: "John" }), ["surname"]);
  });
});

describe("errors from the simulator", () => {
  it("maps contract refusals to PARTNER_CONTRACT_ERROR for every service group", async () => {
    const errors = await Promise.all([
      failure(refused.estimateFraudProbability({ city: "Vilnius" })),
      failure(refused.proxyCheck("1.1.1.1")),
      failure(refused.fraudCheck({ mode: "DATA", services: ["AML"], data: [{ name: "A" }] })),
      failure(refused.addAmlUser({ type: "PERSON", name: "A", surname: "B" })),
      failure(refused.listAmlUsers()),
      failure(refused.sendSms({ phone_number: "+37060000001" })),
      failure(refused.checkGdc({ ssnNumber: "1" })),
    ]);
    for (const error of errors) {
      expect(error).toMatchObject({
        kind: "api",
        identifier: "PARTNER_CONTRACT_ERROR",
        status: 400,
      });
    }
  });

  it("passes injected faults through as typed errors", async () => {
    sim.control.injectFault({ fault: { type: "html-5xx" }, path: "/fraud/proxy-check" });
    expect(await failure(fraud.proxyCheck("1.1.1.1"))).toMatchObject({ kind: "http", status: 502 });
    sim.control.injectFault({ fault: { type: "truncated-json" }, path: "/api/v2/get-aml-users" });
    expect(await failure(fraud.listAmlUsers())).toMatchObject({
      kind: "schema-mismatch",
      endpoint: "/api/v2/get-aml-users",
    });
  });

  it("maps bad credentials to UNAUTHORIZED", async () => {
    const wrong = createFraudClient({
      baseUrl: sim.url,
      credentials: () => okAsync({ apiKey: "x", apiSecret: "y" }),
    });
    expect(await failure(wrong.proxyCheck("1.1.1.1"))).toMatchObject({
      kind: "api",
      identifier: "UNAUTHORIZED",
    });
  });

  it("shares an existing client's transport when given one", async () => {
    const shared = createFraudClient(createMarkIdClient({ baseUrl: sim.url, credentials }));
    expect(await success(shared.proxyCheck("192.0.2.1"))).toEqual({ risk_level: "LOW" });
  });
});
