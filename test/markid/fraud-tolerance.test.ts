import { okAsync } from "neverthrow";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFraudClient } from "../../lib/markid";
import type { CredentialsSource, FraudClient } from "../../lib/markid";
import { failure, success } from "./support/results";
import { json, startStubServer } from "./support/stub-server";
import type { StubServer } from "./support/stub-server";

/**
 * Replies the simulator does not produce but Mark ID's documentation allows or shows: lower-case
 * group keys, new enum values, other framings of the PDF and of scanRefList, empty replies.
 */

const credentials: CredentialsSource = () => okAsync({ apiKey: "k", apiSecret: "s" });
const PDF_BASE64 = Buffer.from("%PDF-1.4\n%%EOF\n", "latin1").toString("base64");

let stub: StubServer;
let fraud: FraudClient;
beforeAll(async () => {
  stub = await startStubServer();
  fraud = createFraudClient({ baseUrl: stub.url, credentials, timeoutMs: 2000 });
});
afterAll(() => stub.close());
beforeEach(() => {
  stub.calls.length = 0;
});

const reply = (status: number, body: unknown) => stub.handle((_call, res) => json(res, status, body));
const replyText = (body: string | Buffer, contentType = "text/plain") =>
  stub.handle((_call, res) => res.writeHead(200, { "content-type": contentType }).end(body));

describe("open values and unknown fields", () => {
  it("keeps a fraud level it does not know and extra fields", async () => {
    reply(200, { fraud_level: "EXTREME", explanation: { rule: 7 } });
    expect(await success(fraud.estimateFraudProbability({ city: "Vilnius" }))).toEqual({
      fraud_level: "EXTREME",
      explanation: { rule: 7 },
    });
  });

  it("refuses a reply without the documented field as a schema mismatch", async () => {
    reply(200, { level: "LOW" });
    expect(await failure(fraud.proxyCheck("1.1.1.1"))).toMatchObject({
      kind: "schema-mismatch",
      endpoint: "/fraud/proxy-check",
      issues: [{ path: "risk_level" }],
    });
    reply(200, { verified: true });
    const error = await failure(fraud.verifySms({ request_id: "a".repeat(32), received_code: "1234" }));
    expect(error).toMatchObject({ kind: "schema-mismatch", issues: [{ path: "is_verified" }] });
  });

  it("reads a numeric reliability code as its string", async () => {
    reply(200, { completename: "J S", codes: { reliability: 30, messages: [] } });
    expect((await success(fraud.checkGdc({ ssnNumber: "1" }))).codes?.reliability).toBe("30");
  });
});

describe("fraud check group keys (open question 9)", () => {
  const entry = (overallStatus: string) => ({
    status: { serviceSuspected: false, overallStatus },
    serviceName: "PilotApiAmlV2NameCheck",
    uid: "U",
    errorMessage: null,
    data: [],
    newField: true,
  });

  it("exposes lower-case keys upper-case, keeping entries' unknown fields and statuses", async () => {
    reply(200, { aml: [entry("BRAND_NEW")], lid: [entry("NOT_SUSPECTED")], company: [] });
    const result = await success(
      fraud.fraudCheck({ mode: "DATA", services: ["AML"], data: [{ name: "A" }] }),
    );
    expect(Object.keys(result).sort()).toEqual(["AML", "COMPANY", "LID"]);
    expect(result.AML?.[0]).toMatchObject({ status: { overallStatus: "BRAND_NEW" }, newField: true });
    expect(result.LID).toHaveLength(1);
  });

  it("joins both spellings, drops null groups and keeps other keys", async () => {
    reply(200, { AML: [entry("A")], aml: [entry("B")], LID: null, requestId: "r-1" });
    const result = await success(
      fraud.fraudCheck({ mode: "DATA", services: ["AML"], data: [{ name: "A" }] }),
    );
    expect(result.AML?.map((item) => item.status?.overallStatus)).toEqual(["A", "B"]);
    expect(result).not.toHaveProperty("LID");
    expect(result).toHaveProperty("requestId", "r-1");
  });

  it("refuses a group that is not a list", async () => {
    reply(200, { aml: { status: {} } });
    const error = await failure(fraud.fraudCheck({ mode: "DATA", services: ["AML"], data: [{ name: "A" }] }));
    expect(error).toMatchObject({ kind: "schema-mismatch", issues: [{ path: "AML" }] });
  });
});

describe("AML monitoring replies", () => {
  it.each([
    [
      ["a", "b"],
      ["a", "b"],
    ],
    ['["a", "b"]', ["a", "b"]],
    ["['a', 'b']", ["a", "b"]],
    ["[]", []],
    ["", []],
    [null, []],
  ])("reads scanRefList %j as %j", async (scanRefList, expected) => {
    reply(200, { monitoringId: 123456789, scanRefList, alertStatus: "ALERT", results: [] });
    const callback = await success(fraud.getMonitoringCallback("123456789"));
    expect(callback.scanRefList).toEqual(expected);
    expect(callback.monitoringId).toBe("123456789");
    expect(callback).toHaveProperty("alertStatus", "ALERT");
  });

  it("lists with a GET without body and reads numeric monitoring ids", async () => {
    reply(200, { users: [{ monitoring_id: 12345678, name: "NAME SURNAME", alert_status: "NEW_STATUS" }] });
    const users = await success(fraud.listAmlUsers());
    expect(users.users[0]).toMatchObject({ monitoring_id: "12345678", alert_status: "NEW_STATUS" });
    const [request] = stub.calls;
    expect(request).toMatchObject({ method: "GET", path: "/api/v2/get-aml-users", body: "" });
    expect(request?.headers["content-type"]).toBeUndefined();
  });

  it("accepts any 200 body from the monitoring calls that answer without data", async () => {
    reply(200, { status: "ok" });
    await success(fraud.deleteMonitoringUser("M1"));
    await success(fraud.clearUserWhitelist("M1"));
    await success(
      fraud.addWhitelist({ name: "Co", type: "COMPANY", whitelist: { gb_hmt_sanctions: ["1"] } }),
    );
    expect(stub.calls.map((call) => call.path)).toEqual([
      "/api/v2/delete-monitoring-user/",
      "/api/v2/clear-user-whitelist/",
      "/api/v2/add-whitelist",
    ]);
  });

  it.each([
    ["bare base64 text", PDF_BASE64, "text/plain"],
    ["base64 with line breaks", `${PDF_BASE64.slice(0, 8)}\n${PDF_BASE64.slice(8)}\n`, "text/plain"],
    ["a data URL", `data:application/pdf;base64,${PDF_BASE64}`, "text/plain"],
    ["a JSON string", JSON.stringify(PDF_BASE64), "application/json"],
    ["a JSON object", JSON.stringify({ monitoringId: "M1", pdf: PDF_BASE64 }), "application/json"],
    ["the raw PDF", Buffer.from("%PDF-1.4\n%%EOF\n", "latin1"), "application/pdf"],
  ])("reads the PDF report as %s", async (_name, body, contentType) => {
    replyText(body, contentType);
    expect(await success(fraud.generateAmlPdf("M1"))).toBe(PDF_BASE64);
  });

  it.each([
    ["an object without the document", JSON.stringify({ status: "ok" })],
    ["text that is not base64", "not base64!"],
    ["a number", "42"],
  ])("refuses %s as a PDF report", async (_name, body) => {
    replyText(body);
    expect(await failure(fraud.generateAmlPdf("M1"))).toMatchObject({
      kind: "schema-mismatch",
      endpoint: "/api/v2/generate-pdf-aml",
    });
  });
});

describe("phone validation replies", () => {
  it.each([
    ["an empty body", ""],
    ["an empty JSON string", '""'],
  ])("reads %s as null", async (_name, body) => {
    replyText(body, "application/json");
    expect(await success(fraud.validatePhone({ phone_number: "+37052123456" }))).toBeNull();
  });

  it("keeps unknown route values and fields", async () => {
    reply(200, { risk_score: 12.5, current_route: "satellite", extra: 1 });
    expect(await success(fraud.validatePhone({ phone_number: "+37061234567" }))).toEqual({
      risk_score: 12.5,
      current_route: "satellite",
      extra: 1,
    });
  });
});

describe("errors", () => {
  it("maps an unknown identifier and a 401 as the verification client does", async () => {
    reply(400, { identifier: "AML_SERVICE_DOWN", message: "down" });
    expect(await failure(fraud.proxyCheck("1.1.1.1"))).toMatchObject({
      kind: "unknown-identifier",
      identifier: "AML_SERVICE_DOWN",
    });
    reply(401, { detail: "Invalid authorization credentials" });
    expect(await failure(fraud.listAmlUsers())).toMatchObject({ kind: "http", status: 401 });
  });
});
