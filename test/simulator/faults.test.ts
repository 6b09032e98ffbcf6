import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../local/simulator";
import { call, expectedError } from "./support";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterEach(() => {
  sim.control.clearFaults();
  sim.control.setRateLimit(null);
});
afterAll(() => sim.close());

const token = () => call(sim, "/api/v2/token", { clientId: "c" });
const status = () => call(sim, "/api/v2/status", { scanRef: "x" });

describe("fault types", () => {
  it("latency holds the request, then answers normally", async () => {
    sim.control.clearRequests();
    sim.control.injectFault({ fault: { type: "latency", ms: 1000 } });
    const pending = token();
    // While delayed the request is recorded but not answered yet (status 0).
    let sawPending = false;
    for (let i = 0; i < 50 && !sawPending; i++) {
      sawPending = sim.control
        .requests()
        .some((entry) => entry.path === "/api/v2/token" && entry.status === 0);
      if (!sawPending) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(sawPending).toBe(true);
    expect((await pending).status).toBe(201);
    expect(sim.control.requests().at(-1)!.status).toBe(201);
  });

  it("close() drops a request held by latency instead of handling it late", async () => {
    const local = await startSimulator();
    local.control.injectFault({ fault: { type: "latency", ms: 60_000 } });
    const pending = call(local, "/api/v2/token", { clientId: "c" });
    while (local.control.requests().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await local.close();
    await expect(pending).rejects.toThrow();
    expect(local.control.tokenBalance()).toBe(1000);
  });

  it("reset drops the connection without a reply and without creating a token", async () => {
    const before = sim.control.tokenBalance();
    sim.control.clearRequests();
    sim.control.injectFault({ fault: { type: "reset" } });
    await expect(token()).rejects.toThrow();
    expect(sim.control.tokenBalance()).toBe(before);
    expect(sim.control.requests()).toEqual([expect.objectContaining({ path: "/api/v2/token", status: 0 })]);
    expect((await token()).status).toBe(201);
  });

  it("reset after handling spends the token and still drops the reply (unknown outcome)", async () => {
    const before = sim.control.tokenBalance();
    sim.control.injectFault({ fault: { type: "reset", afterHandling: true } });
    await expect(token()).rejects.toThrow();
    expect(sim.control.tokenBalance()).toBe(before - 1);
  });

  it("html-5xx answers a gateway's HTML page, 502 by default", async () => {
    sim.control.injectFault({ fault: { type: "html-5xx" }, count: 1 });
    sim.control.injectFault({ fault: { type: "html-5xx", status: 504 }, count: 1 });
    const first = await token();
    expect(first.status).toBe(502);
    expect(first.headers.get("content-type")).toContain("text/html");
    expect(first.text).toContain("502 Bad Gateway");
    expect(first.json).toBeUndefined();
    const second = await token();
    expect(second.status).toBe(504);
  });

  it("truncated-json answers the real status with half a JSON body", async () => {
    const before = sim.control.tokenBalance();
    sim.control.injectFault({ fault: { type: "truncated-json" } });
    const response = await token();
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.text.startsWith('{"message":"Token created successfully"')).toBe(true);
    expect(() => JSON.parse(response.text) as unknown).toThrow();
    expect(sim.control.tokenBalance()).toBe(before - 1);
  });

  it("rate-limited answers 429 with Retry-After, with or without an identifier", async () => {
    sim.control.injectFault({ fault: { type: "rate-limited", retryAfterSeconds: 7, withIdentifier: true } });
    const withIdentifier = await status();
    expect(withIdentifier.status).toBe(429);
    expect(withIdentifier.headers.get("retry-after")).toBe("7");
    expect(withIdentifier.json).toEqual(expectedError("TOO_MANY_REQUESTS"));

    sim.control.injectFault({ fault: { type: "rate-limited" } });
    const plain = await status();
    expect(plain.status).toBe(429);
    expect(plain.headers.get("retry-after")).toBeNull();
    expect(plain.json).toBeUndefined();
    expect(plain.text).toBe("Too Many Requests");
  });

  it("identifier answers the standard error body, 400 unless told otherwise", async () => {
    sim.control.injectFault({ fault: { type: "identifier", identifier: "TOKEN_NOT_VALID" } });
    const plain = await token();
    expect(plain.status).toBe(400);
    expect(plain.json).toEqual(expectedError("TOKEN_NOT_VALID"));

    sim.control.injectFault({
      fault: { type: "identifier", identifier: "INTERNAL_ERROR", message: "boom", status: 500 },
    });
    const internal = await token();
    expect(internal.status).toBe(500);
    expect(internal.json).toEqual(expectedError("INTERNAL_ERROR", "boom"));

    sim.control.injectFault({ fault: { type: "identifier", identifier: "SOMETHING_NEW" } });
    expect((await token()).json).toEqual(expectedError("SOMETHING_NEW"));
  });

  it("http-status answers iDenfy's identifier-less bodies, or the body given", async () => {
    const expected: [number, unknown][] = [
      [401, { detail: "Invalid authorization credentials" }],
      [402, { detail: "Action not allowed due to lack of funds or exceeded limit." }],
      [403, { detail: "Partner inactive" }],
    ];
    for (const [code, body] of expected) {
      sim.control.injectFault({ fault: { type: "http-status", status: code } });
      const response = await token();
      expect(response.status).toBe(code);
      expect(response.json).toEqual(body);
    }
    sim.control.injectFault({ fault: { type: "http-status", status: 403, body: "Forbidden by WAF" } });
    const custom = await token();
    expect(custom.status).toBe(403);
    expect(custom.text).toBe("Forbidden by WAF");
  });

  it("applies before authentication and method checks", async () => {
    sim.control.injectFault({ fault: { type: "http-status", status: 402 } });
    const response = await call(sim, "/api/v2/token", undefined, { method: "GET", auth: null });
    expect(response.status).toBe(402);
  });
});

describe("fault selection", () => {
  it("count faults exactly the next N matching requests", async () => {
    sim.control.injectFault({ fault: { type: "html-5xx" }, count: 2 });
    const statuses = [(await token()).status, (await token()).status, (await token()).status];
    expect(statuses).toEqual([502, 502, 201]);
  });

  it("defaults to a single request", async () => {
    sim.control.injectFault({ fault: { type: "html-5xx" } });
    expect([(await status()).status, (await status()).status]).toEqual([502, 400]);
  });

  it("fraction 1 faults every request until cleared; fraction 0 none", async () => {
    sim.control.injectFault({ fault: { type: "html-5xx" }, fraction: 1 });
    for (let i = 0; i < 4; i++) expect((await status()).status).toBe(502);
    sim.control.clearFaults();
    expect((await status()).status).toBe(400);

    sim.control.injectFault({ fault: { type: "html-5xx" }, fraction: 0 });
    for (let i = 0; i < 4; i++) expect((await status()).status).toBe(400);
  });

  it("path limits a fault to one endpoint", async () => {
    sim.control.injectFault({ fault: { type: "html-5xx" }, path: "/api/v2/token" });
    expect((await status()).status).toBe(400);
    expect((await token()).status).toBe(502);
  });

  it("refuses nonsensical injections", () => {
    expect(() => sim.control.injectFault({ fault: { type: "html-5xx" }, count: 0 })).toThrow(TypeError);
    expect(() => sim.control.injectFault({ fault: { type: "html-5xx" }, fraction: 2 })).toThrow(TypeError);
    expect(() => sim.control.injectFault({ fault: { type: "latency", ms: -1 } })).toThrow(TypeError);
  });
});

describe("rate limit", () => {
  it("answers 429 TOO_MANY_REQUESTS above the configured rate, and nothing once lifted", async () => {
    sim.control.setRateLimit(2);
    const responses = await Promise.all(Array.from({ length: 6 }, () => status()));
    const limited = responses.filter((response) => response.status === 429);
    // Two fit in the bucket; a few ms of refill cannot admit four more at 2 per second.
    expect(limited.length).toBeGreaterThanOrEqual(3);
    expect(limited[0]!.json).toEqual(expectedError("TOO_MANY_REQUESTS"));
    expect(Number(limited[0]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(responses.filter((response) => response.status === 400).length).toBeGreaterThanOrEqual(1);

    sim.control.setRateLimit(null);
    const after = await Promise.all(Array.from({ length: 6 }, () => status()));
    expect(after.every((response) => response.status === 400)).toBe(true);
  });

  it("refuses a rate that is not positive", () => {
    expect(() => sim.control.setRateLimit(0)).toThrow(RangeError);
  });
});
