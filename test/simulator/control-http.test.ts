import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../local/simulator";
import { basic, call, createToken, expectedError, startReceiver, str, type Receiver } from "./support";

let sim: Simulator;
let receiver: Receiver;
beforeAll(async () => {
  sim = await startSimulator();
  receiver = await startReceiver();
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});

async function control(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${sim.url}/__control${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

describe("HTTP control surface", () => {
  it("rotates credentials", async () => {
    expect((await control("POST", "/credentials", { apiKey: "k2", apiSecret: "s2" })).status).toBe(200);
    expect((await call(sim, "/api/v2/token", { clientId: "c" })).json).toEqual(expectedError("UNAUTHORIZED"));
    expect((await call(sim, "/api/v2/token", { clientId: "c" }, { auth: basic("k2", "s2") })).status).toBe(
      201,
    );
    await control("POST", "/credentials", { apiKey: "local-api-key", apiSecret: "local-api-secret" });
    expect((await call(sim, "/api/v2/token", { clientId: "c" })).status).toBe(201);
  });

  it("sets and reads the token balance", async () => {
    expect(await control("POST", "/token-balance", { balance: 1 })).toEqual({
      status: 200,
      json: { balance: 1 },
    });
    await createToken(sim);
    expect(await control("GET", "/token-balance")).toEqual({ status: 200, json: { balance: 0 } });
    expect((await call(sim, "/api/v2/token", { clientId: "c" })).json).toEqual(
      expectedError("PERMISSIONS_ERROR", "Partner reached token limit."),
    );
    expect((await control("POST", "/token-balance", { balance: -3 })).status).toBe(400);
    await control("POST", "/token-balance", { balance: 100 });
  });

  it("injects and clears faults", async () => {
    const injected = await control("POST", "/faults", {
      fault: { type: "html-5xx", status: 503 },
      fraction: 1,
      path: "/api/v2/status",
    });
    expect(injected.status).toBe(200);
    expect((await call(sim, "/api/v2/status", { scanRef: "x" })).status).toBe(503);
    expect((await call(sim, "/api/v2/status", { scanRef: "x" })).status).toBe(503);
    expect((await control("DELETE", "/faults")).status).toBe(200);
    expect((await call(sim, "/api/v2/status", { scanRef: "x" })).status).toBe(400);
  });

  it("refuses a malformed fault injection with a readable error", async () => {
    const refused = await control("POST", "/faults", { fault: { type: "earthquake" } });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ error: expect.stringContaining("type") as unknown });
    expect((await call(sim, "/api/v2/status", { scanRef: "x" })).status).toBe(400);
  });

  it("sets and lifts a rate limit", async () => {
    expect((await control("POST", "/rate-limit", { requestsPerSecond: 1 })).status).toBe(200);
    const statuses = await Promise.all(
      Array.from({ length: 4 }, async () => (await call(sim, "/api/v2/status", { scanRef: "x" })).status),
    );
    expect(statuses).toContain(429);
    await control("POST", "/rate-limit", { requestsPerSecond: null });
    expect((await call(sim, "/api/v2/status", { scanRef: "x" })).status).toBe(400);
  });

  it("lists and clears recorded requests, not counting control calls", async () => {
    await control("DELETE", "/requests");
    await call(sim, "/api/v2/status", { scanRef: "x" });
    const listed = await control("GET", "/requests");
    expect(listed.json).toEqual([
      expect.objectContaining({ method: "POST", path: "/api/v2/status", authorized: true, status: 400 }),
    ]);
    await control("DELETE", "/requests");
    expect((await control("GET", "/requests")).json).toEqual([]);
  });

  it("sets the webhook URL, lists deliveries, expires and shows a verification", async () => {
    expect((await control("POST", "/webhook-url", { url: receiver.url })).status).toBe(200);
    const token = await createToken(sim);
    const scanRef = str(token["scanRef"]);
    expect((await control("POST", "/expire", { scanRef })).status).toBe(200);
    expect((await control("POST", "/webhooks/flush")).status).toBe(200);
    expect(receiver.received).toHaveLength(1);
    const deliveries = (await control("GET", "/webhooks")).json;
    expect(deliveries).toEqual([expect.objectContaining({ url: receiver.url, status: 200, attempt: 1 })]);
    const verification = await control("GET", `/verification?scanRef=${scanRef}`);
    expect(verification.json).toMatchObject({ scanRef, status: "EXPIRED", clientId: "client-1" });

    expect((await control("DELETE", "/webhooks")).status).toBe(200);
    expect((await control("GET", "/webhooks")).json).toEqual([]);
    expect((await control("POST", "/webhook-url", { url: null })).status).toBe(200);
    expect((await control("POST", "/expire", { scanRef: "nope" })).status).toBe(404);
    expect((await control("GET", "/verification?scanRef=nope")).status).toBe(404);
  });

  it("drops the next webhooks on request, and refuses a count that is not a whole number", async () => {
    expect((await control("POST", "/webhook-url", { url: receiver.url })).status).toBe(200);
    const start = receiver.received.length;
    expect((await control("POST", "/webhooks/drop", { count: 1 })).status).toBe(200);
    const scanRef = str((await createToken(sim))["scanRef"]);
    expect((await control("POST", "/expire", { scanRef })).status).toBe(200);
    expect((await control("POST", "/webhooks/flush")).status).toBe(200);
    expect(receiver.received.length).toBe(start);
    const deliveries = (await control("GET", "/webhooks")).json as { body: string; status: unknown }[];
    expect(deliveries.filter((d) => d.body.includes(scanRef)).map((d) => d.status)).toEqual(["dropped"]);
    expect((await control("POST", "/webhooks/drop", { count: -1 })).status).toBe(400);
    expect((await control("POST", "/webhooks/drop", { count: 1.5 })).status).toBe(400);
  });

  it("answers unknown control endpoints and bad JSON clearly", async () => {
    expect((await control("GET", "/nothing")).status).toBe(404);
    const response = await fetch(`${sim.url}/__control/token-balance`, { method: "POST", body: "{" });
    expect(response.status).toBe(400);
  });
});
