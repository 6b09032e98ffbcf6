import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../local/simulator";
import { basic, call, expectedError } from "./support";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const API_PATHS = [
  "/api/v2/token",
  "/api/v2/add-dummy-status",
  "/api/v2/process",
  "/api/v2/status",
  "/api/v2/data",
  "/api/v2/files",
  "/api/v2/delete",
];

describe("basic auth", () => {
  it.each(API_PATHS)("%s refuses a missing Authorization header with 400 UNAUTHORIZED", async (path) => {
    const response = await call(sim, path, { clientId: "c" }, { auth: null });
    expect(response.status).toBe(400);
    expect(response.json).toEqual(expectedError("UNAUTHORIZED"));
  });

  it.each([
    ["wrong secret", basic("local-api-key", "nope")],
    ["wrong key", basic("nope", "local-api-secret")],
    ["not basic", "Bearer local-api-key"],
    ["garbage", "Basic !!!"],
  ])("refuses %s", async (_name, header) => {
    const response = await call(sim, "/api/v2/status", { scanRef: "x" }, { auth: header });
    expect(response.status).toBe(400);
    expect(response.json).toEqual(expectedError("UNAUTHORIZED", "Invalid authorization credentials"));
  });

  it("records whether a request was authorized but never the Authorization header", async () => {
    sim.control.clearRequests();
    await call(sim, "/api/v2/status", { scanRef: "x" }, { auth: basic("local-api-key", "wrong") });
    await call(sim, "/api/v2/status", { scanRef: "x" });
    const [refused, accepted] = sim.control.requests();
    expect(refused).toMatchObject({ method: "POST", path: "/api/v2/status", authorized: false, status: 400 });
    expect(accepted).toMatchObject({ authorized: true, status: 400, body: '{"scanRef":"x"}' });
    for (const entry of sim.control.requests()) {
      expect(Object.keys(entry.headers)).not.toContain("authorization");
      expect(JSON.stringify(entry)).not.toContain("wrong");
    }
  });

  it("follows a credential rotation: the old pair is refused, the new one accepted", async () => {
    const local = await startSimulator();
    try {
      local.control.rotateCredentials("key-2", "secret-2");
      const old = await call(local, "/api/v2/token", { clientId: "c" });
      expect(old.json).toEqual(expectedError("UNAUTHORIZED"));
      const fresh = await call(
        local,
        "/api/v2/token",
        { clientId: "c" },
        { auth: basic("key-2", "secret-2") },
      );
      expect(fresh.status).toBe(201);
    } finally {
      await local.close();
    }
  });

  it("answers iDenfy's 401 without identifier in the plain-401 style", async () => {
    const local = await startSimulator({ unauthorizedStyle: "plain-401", apiKey: "k", apiSecret: "s" });
    try {
      const refused = await call(local, "/api/v2/token", { clientId: "c" }, { auth: basic("k", "x") });
      expect(refused.status).toBe(401);
      expect(refused.json).toEqual({ detail: "Invalid authorization credentials" });
      expect(refused.headers.get("www-authenticate")).toMatch(/^Basic/);
      const accepted = await call(local, "/api/v2/token", { clientId: "c" }, { auth: basic("k", "s") });
      expect(accepted.status).toBe(201);
    } finally {
      await local.close();
    }
  });
});

describe("transport errors", () => {
  it("answers a wrong HTTP method with 400 METHOD_NOT_ALLOWED", async () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const response = await call(sim, "/api/v2/token", undefined, { method });
      expect(response.status).toBe(400);
      expect(response.json).toEqual(expectedError("METHOD_NOT_ALLOWED"));
    }
  });

  it("answers malformed JSON with JSON_ERROR, without quoting the body", async () => {
    const response = await call(sim, "/api/v2/token", undefined, { raw: '{"clientId": "Jonas Secret' });
    expect(response.status).toBe(400);
    expect(response.json).toEqual(expectedError("JSON_ERROR"));
    expect(response.text).not.toContain("Secret");
  });

  it("answers a non-JSON media type and invalid UTF-8 with ENCODING_ERROR", async () => {
    const plain = await call(sim, "/api/v2/token", undefined, {
      raw: '{"clientId":"c"}',
      contentType: "text/plain",
    });
    expect(plain.json).toEqual(expectedError("ENCODING_ERROR"));
    const response = await fetch(`${sim.url}/api/v2/token`, {
      method: "POST",
      headers: { Authorization: basic(), "Content-Type": "application/json" },
      body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    });
    expect(await response.json()).toEqual(expectedError("ENCODING_ERROR"));
  });

  it("accepts application/json with a charset parameter", async () => {
    const response = await call(sim, "/api/v2/token", undefined, {
      raw: '{"clientId":"c"}',
      contentType: "application/json; charset=utf-8",
    });
    expect(response.status).toBe(201);
  });

  it("answers a JSON body that is not an object with BAD_VALUE", async () => {
    const response = await call(sim, "/api/v2/token", [{ clientId: "c" }]);
    expect(response.json).toEqual(expectedError("BAD_VALUE"));
  });

  it("treats an empty body as an empty object: required fields are MISSING_VALUE", async () => {
    const response = await call(sim, "/api/v2/status");
    expect(response.json).toEqual(expectedError("MISSING_VALUE"));
  });

  it("answers an unknown path with a 404 page, auth or not", async () => {
    for (const auth of [undefined, null]) {
      const response = await call(sim, "/api/v2/nope", {}, auth === null ? { auth } : {});
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(response.json).toBeUndefined();
    }
  });
});
