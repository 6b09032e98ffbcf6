import { errAsync, okAsync } from "neverthrow";
import type { ResultAsync } from "neverthrow";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createMarkIdClient,
  isTokenLimitReached,
  isUnauthorized,
  KNOWN_IDENTIFIERS,
  parseWebhookBody,
  PROBE_SCAN_REF,
  verifyWebhookSignature,
} from "../../lib/markid";
import type { CredentialsSource, MarkIdClient, MarkIdError } from "../../lib/markid";
import { startSimulator } from "../../local/simulator";
import type { Simulator } from "../../local/simulator";
import { failure, success } from "./support/results";

/** The client over real HTTP against the local Mark ID simulator. */

const API_KEY = "sim-key-4f1c";
const API_SECRET = "sim-secret-9b7e-never-log";
const SIGNING_KEY = "sim-signing-key";
// Generous for ordinary calls on a slow CI machine; the timeout case sets its own, shorter one.
const CLIENT_TIMEOUT_MS = 5000;
const SHORT_TIMEOUT_MS = 300;

let sim: Simulator;
let client: MarkIdClient;
const credentials: CredentialsSource = () => okAsync({ apiKey: API_KEY, apiSecret: API_SECRET });

beforeAll(async () => {
  sim = await startSimulator({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    webhookSigningKey: SIGNING_KEY,
    webhookRetryIntervalMs: 10,
  });
  client = createMarkIdClient({ baseUrl: sim.url, credentials, timeoutMs: CLIENT_TIMEOUT_MS });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.control.clearFaults();
  sim.control.clearRequests();
  sim.control.rotateCredentials(API_KEY, API_SECRET);
  sim.control.setTokenBalance(1000);
});

const newScanRef = async (dummyStatus?: "APPROVED" | "DENIED") =>
  (await success(client.createToken({ clientId: "cust-sim", ...(dummyStatus ? { dummyStatus } : {}) })))
    .scanRef;

function expectNoSecret(error: MarkIdError): void {
  const text = JSON.stringify(error);
  for (const secret of [API_KEY, API_SECRET, Buffer.from(`${API_KEY}:${API_SECRET}`).toString("base64")]) {
    expect(text).not.toContain(secret);
  }
}

describe("every endpoint succeeds", () => {
  it("createToken spends one credit and returns a usable session", async () => {
    const token = await success(
      client.createToken({
        clientId: "cust-4821",
        locale: "lt",
        documents: ["PASSPORT"],
        externalRef: "order-77",
      }),
    );
    expect(token.clientId).toBe("cust-4821");
    expect(token.authToken.length).toBeGreaterThan(0);
    expect(token.scanRef.length).toBeGreaterThan(0);
    expect(token.externalRef).toBe("order-77");
    expect(sim.control.tokenBalance()).toBe(999);
    const [recorded] = sim.control.requests();
    expect(recorded).toMatchObject({ method: "POST", path: "/api/v2/token", authorized: true });
  });

  it("a dummy token triggers a signed result webhook that the verifier and parser accept", async () => {
    const webhookScanRef = await newScanRef("APPROVED");
    await sim.control.flushWebhooks();
    const delivery = sim.control.webhooks().find((hook) => hook.body.includes(webhookScanRef));
    expect(delivery).toBeDefined();
    expect(verifyWebhookSignature(delivery!.body, delivery!.signature, SIGNING_KEY)).toBe(true);
    expect(verifyWebhookSignature(delivery!.body, delivery!.signature, "another-key")).toBe(false);
    const result = parseWebhookBody(delivery!.body)._unsafeUnwrap();
    expect(result).toMatchObject({
      scanRef: webhookScanRef,
      clientId: "cust-sim",
      status: { overall: "APPROVED" },
    });
  });

  it("addDummyStatus, getStatus, getData, getFiles work on a dummy verification", async () => {
    const scanRef = await newScanRef("DENIED");
    await success(
      client.addDummyStatus({
        scanRef,
        manualFaceMatchResult: "FACE_MATCH",
        manualDocumentValidity: "DOC_VALIDATED",
      }),
    );
    const status = await success(client.getStatus(scanRef));
    expect(status.scanRef).toBe(scanRef);
    expect(status.manualFace).toBe("FACE_MATCH");
    expect(status.manualDocument).toBe("DOC_VALIDATED");
    const data = await success(client.getData(scanRef));
    expect(data.scanRef).toBe(scanRef);
    expect(typeof data.docFirstName).toBe("string");
    const files = await success(client.getFiles(scanRef));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(["FRONT", "FACE"]));
  });

  it("processImages accepts images for a fresh token", async () => {
    const { authToken } = await success(client.createToken({ clientId: "cust-process" }));
    await success(
      client.processImages({
        authToken,
        country: "LT",
        documentType: "PASSPORT",
        images: { FRONT: "AAAA", BACK: "AAAA", FACE: "AAAA" },
      }),
    );
    expect(sim.control.requests().at(-1)).toMatchObject({ path: "/api/v2/process", status: 200 });
  });

  it("deleteVerification: PARTNER_ERROR before expiry, success after", async () => {
    const scanRef = await newScanRef("APPROVED");
    expect(await failure(client.deleteVerification(scanRef))).toMatchObject({
      kind: "api",
      identifier: "PARTNER_ERROR",
      message: "Token has not expired yet.",
    });
    expect(sim.control.expire(scanRef)).toBe(true);
    await success(client.deleteVerification(scanRef));
  });

  it("probe reaches a read-only path with the impossible scanRef and is not unauthorised", async () => {
    const outcome = await client.probe("/api/v2/status");
    const [recorded] = sim.control.requests();
    expect(recorded).toMatchObject({ path: "/api/v2/status", authorized: true });
    expect(JSON.parse(recorded!.body)).toEqual({ scanRef: PROBE_SCAN_REF });
    expect(outcome.isErr() && isUnauthorized(outcome.error)).toBe(false);
  });

  it("probe reports rejected credentials as unauthorised", async () => {
    sim.control.rotateCredentials("rotated-key", "rotated-secret");
    const error = await failure(client.probe("/api/v2/status"));
    expect(isUnauthorized(error)).toBe(true);
    expectNoSecret(error);
  });
});

describe("every identifier is mapped", () => {
  it.each(KNOWN_IDENTIFIERS)("%s → api error", async (identifier) => {
    sim.control.injectFault({
      fault: { type: "identifier", identifier, message: `Simulated ${identifier}` },
      count: 1,
    });
    expect(await failure(client.getStatus("any-scan-ref"))).toEqual({
      kind: "api",
      identifier,
      status: 400,
      message: `Simulated ${identifier}`,
    });
  });

  it("an unknown identifier is kept verbatim", async () => {
    sim.control.injectFault({
      fault: { type: "identifier", identifier: "QUOTA_EXHAUSTED_V3", status: 422 },
      count: 1,
    });
    expect(await failure(client.getStatus("any-scan-ref"))).toMatchObject({
      kind: "unknown-identifier",
      identifier: "QUOTA_EXHAUSTED_V3",
      status: 422,
    });
  });

  it("the token limit is recognised by the helper", async () => {
    sim.control.setTokenBalance(0);
    const error = await failure(client.createToken({ clientId: "cust-broke" }));
    expect(error).toMatchObject({ kind: "api", identifier: "PERMISSIONS_ERROR" });
    expect(isTokenLimitReached(error)).toBe(true);
  });

  it.each([
    [401, isUnauthorized],
    [402, isTokenLimitReached],
  ])("an identifier-less %i is recognised by its helper", async (status, helper) => {
    sim.control.injectFault({ fault: { type: "http-status", status }, count: 1 });
    const error = await failure(client.getStatus("any-scan-ref"));
    expect(error).toMatchObject({ kind: "http", status });
    expect(helper(error)).toBe(true);
  });

  it("rejected credentials: UNAUTHORIZED, without the key or secret in the error", async () => {
    sim.control.rotateCredentials("rotated-key", "rotated-secret");
    const error = await failure(client.getStatus("any-scan-ref"));
    expect(error).toMatchObject({ kind: "api", identifier: "UNAUTHORIZED" });
    expectNoSecret(error);
  });

  it("rejected credentials in iDenfy's style (plain 401) are recognised too", async () => {
    const plain = await startSimulator({ apiKey: "k", apiSecret: "s", unauthorizedStyle: "plain-401" });
    try {
      const other = createMarkIdClient({ baseUrl: plain.url, credentials });
      const error = await failure(other.getStatus("any-scan-ref"));
      expect(error).toMatchObject({ kind: "http", status: 401 });
      expect(isUnauthorized(error)).toBe(true);
      expectNoSecret(error);
    } finally {
      await plain.close();
    }
  });
});

describe("faults", () => {
  it("reset → network, maybe sent, no secret", async () => {
    sim.control.injectFault({ fault: { type: "reset" }, count: 1 });
    const error = await failure(client.getStatus("any-scan-ref"));
    expect(error).toMatchObject({ kind: "network", maybeSent: true });
    expectNoSecret(error);
  });

  it("reset after the token was made → network, maybe sent (the credit is spent)", async () => {
    sim.control.injectFault({
      fault: { type: "reset", afterHandling: true },
      count: 1,
      path: "/api/v2/token",
    });
    expect(await failure(client.createToken({ clientId: "cust-lost" }))).toMatchObject({
      kind: "network",
      maybeSent: true,
    });
    expect(sim.control.tokenBalance()).toBe(999);
  });

  it("a simulator that is gone → network, known not sent", async () => {
    const gone = await startSimulator();
    const url = gone.url;
    await gone.close();
    const error = await failure(
      createMarkIdClient({ baseUrl: url, credentials }).createToken({ clientId: "c" }),
    );
    expect(error).toMatchObject({ kind: "network", maybeSent: false });
  });

  it("latency beyond the client timeout → timeout", async () => {
    sim.control.injectFault({ fault: { type: "latency", ms: SHORT_TIMEOUT_MS * 5 }, count: 1 });
    expect(await failure(client.getStatus("any-scan-ref", { timeoutMs: SHORT_TIMEOUT_MS }))).toEqual({
      kind: "timeout",
      timeoutMs: SHORT_TIMEOUT_MS,
    });
  });

  it("HTML 502 → http with a bounded excerpt", async () => {
    sim.control.injectFault({ fault: { type: "html-5xx" }, count: 1 });
    const error = await failure(client.getStatus("any-scan-ref"));
    expect(error).toMatchObject({ kind: "http", status: 502 });
    expect(error.kind === "http" && error.bodyExcerpt).toContain("502 Bad Gateway");
  });

  it("truncated JSON on a 2xx → schema-mismatch", async () => {
    sim.control.injectFault({ fault: { type: "truncated-json" }, count: 1, path: "/api/v2/token" });
    expect(await failure(client.createToken({ clientId: "cust-cut" }))).toEqual({
      kind: "schema-mismatch",
      endpoint: "/api/v2/token",
      issues: [{ path: "(root)", message: "reply is not valid JSON" }],
    });
  });

  it.each([
    [false, { kind: "http", status: 429, retryAfterSeconds: 7 }],
    [true, { kind: "api", identifier: "TOO_MANY_REQUESTS", status: 429, retryAfterSeconds: 7 }],
  ])("429 (identifier: %s) carries Retry-After", async (withIdentifier, expected) => {
    sim.control.injectFault({
      fault: { type: "rate-limited", retryAfterSeconds: 7, withIdentifier },
      count: 1,
    });
    expect(await failure(client.getStatus("any-scan-ref"))).toMatchObject(expected);
  });
});

describe("request validation sends nothing", () => {
  it.each<[string, () => ResultAsync<unknown, MarkIdError>]>([
    ["createToken", () => client.createToken({ clientId: "c", firstName: "R2D2", sessionLength: 5 })],
    [
      "createToken with an unknown field",
      () => client.createToken({ clientId: "c", clientID: "typo" } as { clientId: string }),
    ],
    [
      "processImages",
      () =>
        client.processImages({ authToken: "t", country: "Lithuania", documentType: "PASSPORT", images: {} }),
    ],
    ["getStatus", () => client.getStatus("")],
    ["probe of the token path", () => client.probe("/api/v2/token")],
  ])("%s", async (_label, call) => {
    const error = await failure(call());
    expect(error.kind).toBe("invalid-request");
    expect(sim.control.requests()).toHaveLength(0);
  });

  it("a failing credentials source sends nothing either", async () => {
    const noCredentials = createMarkIdClient({
      baseUrl: sim.url,
      credentials: () =>
        errAsync({ kind: "credentials-unavailable", message: "Secrets Manager unavailable" }),
    });
    expect(await failure(noCredentials.getStatus("any-scan-ref"))).toMatchObject({
      kind: "credentials-unavailable",
    });
    expect(sim.control.requests()).toHaveLength(0);
  });
});
