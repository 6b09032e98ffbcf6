import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../local/simulator";
import { call, createToken, expectedError, str } from "./support";

// POST /fraud/check over real HTTP: AML, adverse media, COMPANY and LID.

let sim: Simulator;
let noAml: Simulator;
let noFraud: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
  noAml = await startSimulator({ contract: { aml: false } });
  noFraud = await startSimulator({ contract: { fraud: false } });
});
afterAll(async () => {
  await Promise.all([sim.close(), noAml.close(), noFraud.close()]);
});

const CHECK = "/fraud/check";
const check = (target: Simulator, body: unknown) => call(target, CHECK, body);
const dataCheck = (services: string[], entry: Record<string, unknown>, target = sim) =>
  check(target, { mode: "DATA", services, data: [entry] });

type Entry = Record<string, unknown> & { status: Record<string, unknown>; data: Record<string, unknown>[] };
const group = (json: Record<string, unknown> | undefined, key: string): Entry[] => json?.[key] as Entry[];

describe("AML in DATA mode", () => {
  it("answers a clean name with one NOT_SUSPECTED name-check entry and no other groups", async () => {
    const response = await dataCheck(["AML"], { name: "Jonas", surname: "Jonaitis" });
    expect(response.status).toBe(200);
    expect(Object.keys(response.json ?? {})).toEqual(["AML"]);
    const [entry] = group(response.json, "AML");
    expect(entry).toEqual({
      status: {
        serviceSuspected: false,
        serviceUsed: true,
        serviceFound: true,
        checkSuccessful: true,
        overallStatus: "NOT_SUSPECTED",
      },
      serviceName: "PilotApiAmlV2NameCheck",
      serviceGroupType: "AML",
      uid: expect.stringMatching(/^[A-Z0-9]{25}$/) as unknown,
      errorMessage: null,
      data: [],
    });
  });

  it("finds the watched person, case-insensitively, and filters hits by probability", async () => {
    const standard = group((await dataCheck(["AML"], { name: "manfred", surname: "WEBER" })).json, "AML");
    expect(standard[0]?.status["overallStatus"]).toBe("SUSPECTED");
    expect(standard[0]?.data.map((hit) => hit["score"])).toEqual([97]);
    expect(standard[0]?.data[0]).toMatchObject({ suspicion: "PEPS", listName: "PEPS", isPerson: true });
    expect(standard[0]?.data[0]?.["checkDate"]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const loose = group(
      (await dataCheck(["AML"], { name: "Manfred", surname: "Weber", probability: 80 })).json,
      "AML",
    );
    expect(loose[0]?.data.map((hit) => hit["score"])).toEqual([97, 88]);
    const strict = group(
      (await dataCheck(["AML"], { name: "Manfred", surname: "Weber", probability: 99 })).json,
      "AML",
    );
    expect(strict[0]?.status["overallStatus"]).toBe("NOT_SUSPECTED");
  });

  it("adds an adverse media entry with negativeNews and drops the name check with nameCheck false", async () => {
    const both = group(
      (await dataCheck(["AML"], { name: "Cliff", surname: "Hazard", negativeNews: true })).json,
      "AML",
    );
    expect(both.map((entry) => entry["serviceName"])).toEqual([
      "PilotApiAmlV2NameCheck",
      "PilotApiAmlV2NegativeNews",
    ]);
    expect(both[1]?.status["overallStatus"]).toBe("SUSPECTED");
    expect(both[1]?.data[0]).toMatchObject({
      type: "NEGATIVE",
      url: expect.stringMatching(/^https:\/\//) as unknown,
    });
    // One request, one uid shared by its entries (documented: unique only within a request).
    expect(both[0]?.["uid"]).toBe(both[1]?.["uid"]);

    const newsOnly = group(
      (await dataCheck(["AML"], { name: "Cliff", surname: "Hazard", nameCheck: false, negativeNews: true }))
        .json,
      "AML",
    );
    expect(newsOnly.map((entry) => entry["serviceName"])).toEqual(["PilotApiAmlV2NegativeNews"]);
  });
});

describe("COMPANY and LID", () => {
  it("reports a company with hits, and adverse media on it under AML", async () => {
    const response = await dataCheck(["COMPANY"], {
      companyName: "GoPayments",
      country: "LT",
      negativeNews: true,
    });
    expect(Object.keys(response.json ?? {}).sort()).toEqual(["AML", "COMPANY"]);
    const [company] = group(response.json, "COMPANY");
    expect(company?.status["overallStatus"]).toBe("SUSPECTED");
    expect(company?.data[0]).toMatchObject({
      companyName: "GoPayments",
      country: "LT",
      result: { CompanyHasHits: "true", RiskAml: "M" },
    });
    expect(group(response.json, "AML")[0]?.["serviceName"]).toBe("PilotApiAmlV2NegativeNews");

    const clean = group((await dataCheck(["COMPANY"], { companyName: "Plain Bakery" })).json, "COMPANY");
    expect(clean[0]?.status["overallStatus"]).toBe("NOT_SUSPECTED");
    expect(clean[0]?.data[0]).toMatchObject({ result: { CompanyHasHits: "false", HitsOnLists: [] } });
  });

  it("flags the documented invalid Lithuanian document and has no service outside Lithuania", async () => {
    const invalid = group(
      (await dataCheck(["LID"], { type: "PASSPORT", number: "74587539", country: "LT" })).json,
      "LID",
    );
    expect(invalid[0]).toMatchObject({
      serviceName: "IrdInvalidPapers",
      serviceGroupType: "LID",
      status: { serviceSuspected: true, overallStatus: "SUSPECTED" },
      data: [{ documentNumber: "74587539", documentType: "PASSPORT", valid: false }],
    });
    const valid = group((await dataCheck(["LID"], { number: "12345678", country: "LT" })).json, "LID");
    expect(valid[0]?.status["overallStatus"]).toBe("NOT_SUSPECTED");
    const abroad = group((await dataCheck(["LID"], { number: "12345678", country: "LV" })).json, "LID");
    expect(abroad[0]?.status).toMatchObject({ serviceFound: false, overallStatus: "SERVICE_NOT_FOUND" });
  });

  it("answers every requested group in one reply", async () => {
    const response = await dataCheck(["AML", "LID", "COMPANY"], {
      name: "Jonas",
      surname: "Jonaitis",
      companyName: "Plain Bakery",
      country: "LT",
    });
    expect(Object.keys(response.json ?? {}).sort()).toEqual(["AML", "COMPANY", "LID"]);
  });
});

describe("IDENTIFICATION mode", () => {
  it("screens the person of a verification", async () => {
    const token = await createToken(sim, { firstName: "Manfred", lastName: "Weber" });
    const response = await check(sim, {
      mode: "IDENTIFICATION",
      services: ["AML"],
      data: [{ scanRef: str(token["scanRef"]) }],
    });
    expect(response.status).toBe(200);
    expect(group(response.json, "AML")[0]?.status["overallStatus"]).toBe("SUSPECTED");
  });

  it("reports a DATA_ERROR for a verification without any personal data", async () => {
    const token = await createToken(sim);
    const response = await check(sim, {
      mode: "IDENTIFICATION",
      services: ["AML"],
      data: [{ scanRef: str(token["scanRef"]) }],
    });
    expect(group(response.json, "AML")[0]).toMatchObject({
      status: { checkSuccessful: false, overallStatus: "DATA_ERROR" },
      errorMessage: expect.any(String) as unknown,
    });
  });

  it("answers MISSING_VALUE without a scanRef and BAD_VALUE for an unknown one", async () => {
    const missing = await check(sim, { mode: "IDENTIFICATION", services: ["AML"], data: [{}] });
    expect(missing.json).toEqual(
      expectedError("MISSING_VALUE", "Missing mandatory value for 'data.0.scanRef'."),
    );
    const unknown = await check(sim, {
      mode: "IDENTIFICATION",
      services: ["AML"],
      data: [{ scanRef: "nope" }],
    });
    expect(unknown.json).toEqual(expectedError("BAD_VALUE"));
    expect(String(unknown.json?.["message"])).toContain("data.0.scanRef");
  });
});

describe("errors", () => {
  it.each([0, 2])("answers Mark ID's own 400 when data holds %i entries", async (count) => {
    const entries = Array.from({ length: count }, () => ({ name: "A", surname: "B" }));
    const response = await check(sim, { mode: "DATA", services: ["AML"], data: entries });
    expect(response.status).toBe(400);
    expect(response.json).toEqual(expectedError("BAD_VALUE", "Incorrect request: data length must be 1"));
  });

  it.each(["mode", "services", "data"])("answers MISSING_VALUE without %s", async (field) => {
    const body: Record<string, unknown> = { mode: "DATA", services: ["AML"], data: [{ name: "A" }] };
    delete body[field];
    const response = await check(sim, body);
    expect(response.json).toEqual(expectedError("MISSING_VALUE", `Missing mandatory value for '${field}'.`));
  });

  it.each([
    [{ mode: "FAST", services: ["AML"], data: [{ name: "A" }] }, "mode"],
    [{ mode: "DATA", services: ["KYC"], data: [{ name: "A" }] }, "services.0"],
    [{ mode: "DATA", services: [], data: [{ name: "A" }] }, "services"],
    [{ mode: "DATA", services: ["AML"], data: [{ name: "A", probability: 101 }] }, "data.0.probability"],
    [{ mode: "DATA", services: ["AML"], data: [{ name: "A", nationality: "LT" }] }, "data.0.nationality"],
    [
      { mode: "DATA", services: ["AML"], data: [{ name: "A", dateOfBirth: "1990-02-30" }] },
      "data.0.dateOfBirth",
    ],
    [{ mode: "DATA", services: ["LID"], data: [{ country: "Lithuania" }] }, "data.0.country"],
  ])("answers BAD_VALUE for %j naming %s", async (body, field) => {
    const response = await check(sim, body);
    expect(response.json).toEqual(expectedError("BAD_VALUE"));
    expect(String(response.json?.["message"])).toContain(`'${field}'`);
  });

  it.each([
    [["AML"], "name"],
    [["COMPANY"], "companyName"],
    [["LID"], "country"],
  ])("answers MISSING_VALUE for %j in DATA mode without %s", async (services, field) => {
    const response = await dataCheck(services, { surname: "Only" });
    expect(response.json).toEqual(
      expectedError("MISSING_VALUE", `Missing mandatory value for 'data.0.${field}'.`),
    );
  });

  it("refuses AML and COMPANY without AML in the contract, LID without fraud services", async () => {
    const aml = await dataCheck(["AML"], { name: "A", surname: "B" }, noAml);
    expect(aml.json).toEqual(expectedError("PARTNER_CONTRACT_ERROR"));
    expect((await dataCheck(["COMPANY"], { companyName: "C" }, noAml)).json).toEqual(
      expectedError("PARTNER_CONTRACT_ERROR"),
    );
    expect((await dataCheck(["LID"], { number: "1", country: "LT" }, noAml)).status).toBe(200);

    expect((await dataCheck(["LID"], { number: "1", country: "LT" }, noFraud)).json).toEqual(
      expectedError("PARTNER_CONTRACT_ERROR"),
    );
    expect((await dataCheck(["AML"], { name: "A" }, noFraud)).status).toBe(200);
  });

  it("requires basic auth and POST", async () => {
    expect((await call(sim, CHECK, {}, { auth: null })).json).toEqual(expectedError("UNAUTHORIZED"));
    expect((await call(sim, CHECK, undefined, { method: "GET" })).json).toEqual(
      expectedError("METHOD_NOT_ALLOWED"),
    );
  });
});
