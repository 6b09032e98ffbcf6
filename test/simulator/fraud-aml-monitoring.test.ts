import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../local/simulator";
import { call, createToken, expectedError, str } from "./support";

// AML monitoring (/api/v2/add-aml-user and friends) over real HTTP.

let sim: Simulator;
let noAml: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
  noAml = await startSimulator({ contract: { aml: false } });
});
afterAll(async () => {
  await Promise.all([sim.close(), noAml.close()]);
});

const ADD = "/api/v2/add-aml-user";
const CALLBACK = "/api/v2/get-monitoring-callback";
const USERS = "/api/v2/get-aml-users";
const DELETE = "/api/v2/delete-monitoring-user/";
const WHITELIST = "/api/v2/add-whitelist";
const CLEAR = "/api/v2/clear-user-whitelist/";
const PDF = "/api/v2/generate-pdf-aml";

async function addUser(body: Record<string, unknown>): Promise<string> {
  const response = await call(sim, ADD, body);
  expect(response.status).toBe(200);
  return str(response.json?.["monitoringId"]);
}

const callback = async (monitoringId: string) => (await call(sim, CALLBACK, { monitoringId })).json ?? {};
const hits = (json: Record<string, unknown>) =>
  ((json["results"] as { data: Record<string, unknown>[] }[])[0]?.data ?? []).map((hit) => ({
    listNumber: hit["listNumber"],
    whitelisted: hit["whitelisted"],
  }));
const listed = async (monitoringId: string) => {
  const users = ((await call(sim, USERS, undefined, { method: "GET" })).json?.["users"] ?? []) as Record<
    string,
    unknown
  >[];
  return users.find((user) => user["monitoring_id"] === monitoringId);
};

describe("adding subjects", () => {
  it("monitors a person given by data and lists them", async () => {
    const id = await addUser({
      name: "Jonas",
      surname: "Jonaitis",
      type: "PERSON",
      nationality: "LTU",
      dateOfBirth: "1990-01-01",
    });
    expect(id).toMatch(/^[A-Z0-9]{10}$/);
    expect(await callback(id)).toEqual({
      monitoringId: id,
      name: "Jonas",
      surname: "Jonaitis",
      nationality: "LTU",
      dob: "1990-01-01",
      isActive: true,
      expiration: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as unknown,
      scanRefList: "[]",
      alert_status: "ACCEPTED",
      results: [
        expect.objectContaining({
          serviceGroupType: "AML",
          data: [],
          status: expect.objectContaining({ overallStatus: "NOT_SUSPECTED" }) as unknown,
        }) as unknown,
      ],
    });
    expect(await listed(id)).toEqual({
      created: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/) as unknown,
      monitoring_id: id,
      type: "PERSON",
      name: "JONAS JONAITIS",
      date_of_birth: "1990-01-01",
      nationality: "LTU",
      last_check_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as unknown,
      is_active: true,
      expiration_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as unknown,
      alert_status: "ACCEPTED",
      is_suspected: false,
      whitelisted: false,
    });
  });

  it("raises an ALERT for the watched person and for the watched company", async () => {
    const person = await addUser({ name: "Manfred", surname: "Weber", type: "PERSON" });
    expect((await callback(person))["alert_status"]).toBe("ALERT");
    expect(hits(await callback(person))).toEqual([{ listNumber: "SIM-PEP-0001", whitelisted: false }]);
    expect(await listed(person)).toMatchObject({ is_suspected: true, alert_status: "ALERT" });

    const company = await addUser({ name: "GoPayments", country: "GB", type: "COMPANY" });
    expect(await listed(company)).toMatchObject({
      type: "COMPANY",
      alert_status: "ALERT",
      nationality: "GB",
    });
  });

  it("monitors a verified person by scanRef (type forced to PERSON) and joins a second scanRef to the same entry", async () => {
    const first = str((await createToken(sim, { firstName: "Ruta", lastName: "Petraite" }))["scanRef"]);
    const second = str((await createToken(sim, { firstName: "Ruta", lastName: "Petraite" }))["scanRef"]);
    const id = await addUser({ scanRef: first, type: "COMPANY" });
    expect(await addUser({ scanRef: second })).toBe(id);
    expect(await callback(id)).toMatchObject({
      name: "Ruta",
      surname: "Petraite",
      scanRefList: `['${first}', '${second}']`,
    });
    expect(await listed(id)).toMatchObject({ type: "PERSON" });
  });

  it("uses a monitoringId the partner chose", async () => {
    expect(
      await addUser({ name: "Ona", surname: "Onaite", type: "PERSON", monitoringId: "MY-OWN-ID-1" }),
    ).toBe("MY-OWN-ID-1");
    expect((await callback("MY-OWN-ID-1"))["name"]).toBe("Ona");
  });

  it.each([
    [{ name: "A", surname: "B" }, "MISSING_VALUE", "type"],
    [{ name: "A", type: "PERSON" }, "MISSING_VALUE", "surname"],
    [{ surname: "B", type: "PERSON" }, "MISSING_VALUE", "name"],
    [{ name: "Co", type: "COMPANY" }, "MISSING_VALUE", "country"],
    [{ name: "A", surname: "B", type: "ROBOT" }, "BAD_VALUE", "type"],
    [{ name: "A", surname: "B", type: "PERSON", dateOfBirth: "01/02/1990" }, "BAD_VALUE", "dateOfBirth"],
    [{ name: "Co", type: "COMPANY", country: "Lithuania" }, "BAD_VALUE", "country"],
    [{ scanRef: "unknown-scan-ref" }, "BAD_VALUE", "scanRef"],
  ])("refuses %j with %s naming %s", async (body, identifier, field) => {
    const response = await call(sim, ADD, body);
    expect(response.status).toBe(400);
    expect(response.json).toEqual(expectedError(identifier));
    expect(String(response.json?.["message"])).toContain(`'${field}'`);
  });

  it("refuses a verification that holds no personal data yet", async () => {
    const scanRef = str((await createToken(sim))["scanRef"]);
    expect((await call(sim, ADD, { scanRef })).json).toEqual(expectedError("BAD_VALUE"));
  });
});

describe("whitelist", () => {
  it("whitelists a hit by list map, clears it, and whitelists again by suspicion type", async () => {
    const id = await addUser({
      name: "Manfred",
      surname: "Weber",
      type: "PERSON",
      dateOfBirth: "1970-01-01",
    });
    expect(
      (await call(sim, WHITELIST, { monitoringId: id, whitelist: { PEPS: ["SIM-PEP-0001"] } })).status,
    ).toBe(200);
    expect(hits(await callback(id))).toEqual([{ listNumber: "SIM-PEP-0001", whitelisted: true }]);
    expect(await listed(id)).toMatchObject({
      alert_status: "ACCEPTED",
      is_suspected: false,
      whitelisted: true,
    });

    const cleared = await call(sim, CLEAR, { monitoringId: id });
    expect(cleared.status).toBe(200);
    expect(cleared.text).toBe("");
    expect(await listed(id)).toMatchObject({ alert_status: "ALERT", whitelisted: false });

    expect((await call(sim, WHITELIST, { monitoringId: id, whitelist: ["PEPS"] })).status).toBe(200);
    expect((await callback(id))["alert_status"]).toBe("ACCEPTED");
  });

  it("does not whitelist a list number it was not given", async () => {
    const id = await addUser({ name: "Manfred", surname: "Weber", type: "PERSON", nationality: "DEU" });
    await call(sim, WHITELIST, { monitoringId: id, whitelist: { PEPS: ["OTHER-NUMBER"] } });
    expect((await callback(id))["alert_status"]).toBe("ALERT");
  });

  it("finds the entry by scanRef or by name and surname", async () => {
    // A dummy session has document data (nationality, date of birth): a subject of its own.
    const token = await createToken(sim, {
      firstName: "Manfred",
      lastName: "Weber",
      nationality: "AT",
      dummyStatus: "APPROVED",
    });
    const scanRef = str(token["scanRef"]);
    const byScanRef = await addUser({ scanRef });
    expect((await call(sim, WHITELIST, { scanRef, whitelist: ["PEPS"] })).status).toBe(200);
    expect((await callback(byScanRef))["alert_status"]).toBe("ACCEPTED");

    const byName = await addUser({ name: "Gopayments", country: "LTU", type: "COMPANY" });
    const body = { name: "GOPAYMENTS", type: "COMPANY", nationality: "LTU", whitelist: ["SANCTION"] };
    expect((await call(sim, WHITELIST, body)).status).toBe(200);
    expect((await callback(byName))["alert_status"]).toBe("ACCEPTED");
  });

  it.each([
    [{ monitoringId: "X" }, "MISSING_VALUE", "whitelist"],
    [{ whitelist: ["PEPS"] }, "MISSING_VALUE", "monitoringId"],
    [{ monitoringId: "NO-SUCH-ID", whitelist: ["PEPS"] }, "BAD_VALUE", "monitoringId"],
    [{ scanRef: "no-such-scan", whitelist: ["PEPS"] }, "BAD_VALUE", "scanRef"],
    [{ monitoringId: "X", whitelist: "PEPS" }, "BAD_VALUE", "whitelist"],
    [{ monitoringId: "X", whitelist: [] }, "BAD_VALUE", "whitelist"],
  ])("refuses %j with %s naming %s", async (body, identifier, field) => {
    const response = await call(sim, WHITELIST, body);
    expect(response.json).toEqual(expectedError(identifier));
    expect(String(response.json?.["message"])).toContain(`'${field}'`);
  });
});

describe("delete and report", () => {
  it("deletes an entry, after which it is unknown everywhere", async () => {
    const id = await addUser({ name: "Petras", surname: "Petraitis", type: "PERSON" });
    const deleted = await call(sim, DELETE, { monitoringId: id });
    expect(deleted.status).toBe(200);
    expect(deleted.text).toBe("");
    expect(await listed(id)).toBeUndefined();
    for (const path of [CALLBACK, DELETE, CLEAR, PDF]) {
      expect((await call(sim, path, { monitoringId: id })).json).toEqual(
        expectedError(
          "BAD_VALUE",
          "Invalid value for 'monitoringId': no monitoring entry with this monitoringId",
        ),
      );
    }
  });

  it("generates the report as base64 of a PDF", async () => {
    const id = await addUser({ name: "Manfred", surname: "Weber", type: "PERSON", nationality: "LT" });
    const response = await call(sim, PDF, { monitoringId: id });
    expect(response.status).toBe(200);
    expect(response.text).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    const pdf = Buffer.from(response.text, "base64").toString("latin1");
    expect(pdf.startsWith("%PDF-1.4")).toBe(true);
    expect(pdf.trimEnd().endsWith("%%EOF")).toBe(true);
    expect(pdf).toContain(id);
    expect(pdf).not.toContain("Weber");
  });

  it.each([CALLBACK, DELETE, CLEAR, PDF])("%s answers MISSING_VALUE without monitoringId", async (path) => {
    expect((await call(sim, path, {})).json).toEqual(
      expectedError("MISSING_VALUE", "Missing mandatory value for 'monitoringId'."),
    );
  });
});

describe("routing, methods, auth and contract", () => {
  it("serves delete and clear only with the documented trailing slash", async () => {
    for (const path of [DELETE, CLEAR]) {
      const response = await call(sim, path.replace(/\/$/, ""), { monitoringId: "X" });
      expect(response.status).toBe(404);
    }
  });

  it("lists with GET only and adds with POST only", async () => {
    expect((await call(sim, USERS, {})).json).toEqual(expectedError("METHOD_NOT_ALLOWED"));
    expect((await call(sim, ADD, undefined, { method: "GET" })).json).toEqual(
      expectedError("METHOD_NOT_ALLOWED"),
    );
  });

  it.each([ADD, CALLBACK, DELETE, WHITELIST, CLEAR, PDF])("%s requires basic auth", async (path) => {
    expect((await call(sim, path, { monitoringId: "X" }, { auth: null })).json).toEqual(
      expectedError("UNAUTHORIZED"),
    );
  });

  it.each([
    ["POST", ADD],
    ["POST", CALLBACK],
    ["GET", USERS],
    ["POST", DELETE],
    ["POST", WHITELIST],
    ["POST", CLEAR],
    ["POST", PDF],
  ])("%s %s is refused without AML in the contract", async (method, path) => {
    const response = await call(noAml, path, method === "GET" ? undefined : { monitoringId: "X" }, {
      method,
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual(expectedError("PARTNER_CONTRACT_ERROR"));
  });
});
