import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createStateTable, readStateItem, stateKey } from "../../lib/aws/state-table";
import type { AttemptInfo } from "../../lib/resilience/execute";
import { createStartVerificationFlow } from "../../lib/flows/start-verification";
import type { Dependencies } from "../../lib/runtime/dependencies";
import type { FaultSpec } from "../../local/simulator/index";
import { resetStack, useStack } from "../support/stack";

/*
 * Every row of design.md §3 for POST /api/v2/token in the start-verification flow, triggered in
 * the Mark ID simulator (or the local AWS stack) and observed where a user would see it: the
 * record's disposition, the events and alerts on the SNS topics, the idempotency record, and the
 * calls the simulator received. Backoff sleeps are recorded, not slept.
 */

const stack = useStack();

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

function harness(deps: Dependencies = stack().newContainer()) {
  const sleeps: number[] = [];
  const attempts: AttemptInfo[] = [];
  const flow = createStartVerificationFlow(deps, {
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  const process = (body: Record<string, unknown>, messageId = unique("msg")) => {
    const deadline = Date.now() + 30_000;
    return flow.process(
      { messageId, body: JSON.stringify(body), remainingTimeMs: () => deadline - Date.now() },
      { onAttempt: (info) => attempts.push(info) },
    );
  };
  return { deps, process, sleeps, attempts };
}

const request = (extra: Record<string, unknown> = {}) => ({
  requestId: unique("req"),
  clientId: "cust-42",
  ...extra,
});

const injectToken = (fault: FaultSpec, count = 1) =>
  stack().simulator.control.injectFault({ fault, count, path: "/api/v2/token" });

const tokenPosts = () =>
  stack()
    .simulator.control.requests()
    .filter((r) => r.method === "POST" && r.path === "/api/v2/token");

const published = (topicArn: string) =>
  stack()
    .aws.sns.published(topicArn)
    .map((message) => ({
      type: message.messageAttributes["type"]?.stringValue,
      state: message.messageAttributes["state"]?.stringValue,
      body: JSON.parse(message.message) as Record<string, unknown>,
    }));
const events = () => published(stack().resources.eventsTopicArn);
const alerts = () => published(stack().resources.alertsTopicArn);

const sessionItem = async (requestId: string) =>
  (
    await readStateItem(
      createStateTable({ client: stack().clients.dynamodb, tableName: stack().resources.tableName }),
      stateKey("session", requestId),
    )
  )._unsafeUnwrap();

afterEach(() => resetStack(stack()));

describe("INTERNAL_ERROR, 5xx, network failures: retried, then given back", () => {
  it("INTERNAL_ERROR twice, then a token: one session, no alert", async () => {
    injectToken({ type: "identifier", identifier: "INTERNAL_ERROR", status: 500 }, 2);
    const { process, attempts, sleeps } = harness();
    const report = (await process(request()))._unsafeUnwrap();
    expect(report.outcome).toBe("session-created");
    expect(tokenPosts()).toHaveLength(3);
    expect(attempts.map((a) => a.outcome)).toEqual(["retry", "retry", "success"]);
    expect(sleeps).toHaveLength(2);
    expect(alerts()).toEqual([]);
  });

  it.each<[string, FaultSpec, string]>([
    ["INTERNAL_ERROR", { type: "identifier", identifier: "INTERNAL_ERROR", status: 500 }, "INTERNAL_ERROR"],
    ["a gateway's HTML 502", { type: "html-5xx", status: 502 }, "HTTP_502"],
    ["a plain 503", { type: "http-status", status: 503 }, "HTTP_503"],
  ])(
    "%s on every attempt: RETRY_MAX_ATTEMPTS calls, given back, claim released, no alert",
    async (_name, fault, identifier) => {
      injectToken(fault, 10);
      const body = request();
      const report = (await harness().process(body))._unsafeUnwrapErr();
      expect(report).toMatchObject({ outcome: "markid-failed", action: "retry", identifier, attempts: 4 });
      expect(tokenPosts()).toHaveLength(4);
      expect(await sessionItem(body.requestId)).toBeUndefined();
      expect(alerts()).toEqual([]);
      expect(events()).toEqual([]);
    },
  );

  it("a refused connection (nothing sent) is retried, then given back", async () => {
    const port = await closedPort();
    const { process } = harness(
      stack().newContainer({ env: { MARKID_BASE_URL: `http://127.0.0.1:${port}` } }),
    );
    const report = (await process(request()))._unsafeUnwrapErr();
    expect(report).toMatchObject({
      outcome: "markid-failed",
      action: "retry",
      identifier: "network",
      attempts: 4,
    });
  });
});

describe("an unknown outcome (reset or timeout after sending): never retried in place", () => {
  it("redeliver (default): the record is given back and the claim released, so the redelivery may spend a second credit", async () => {
    injectToken({ type: "reset", afterHandling: true });
    const body = request();
    const balance = stack().simulator.control.tokenBalance();
    const first = (await harness().process(body))._unsafeUnwrapErr();
    expect(first).toMatchObject({ outcome: "unknown-outcome", identifier: "network", attempts: 1 });
    expect(stack().simulator.control.tokenBalance()).toBe(balance - 1);
    expect(await sessionItem(body.requestId)).toBeUndefined();
    expect(events()).toEqual([]);

    const redelivered = (await harness().process(body))._unsafeUnwrap();
    expect(redelivered.outcome).toBe("session-created");
    expect(stack().simulator.control.tokenBalance()).toBe(balance - 2);
  });

  it("a timeout is an unknown outcome too", async () => {
    injectToken({ type: "latency", ms: 1_000 });
    const { process } = harness(stack().newContainer({ env: { MARKID_TIMEOUT_MS: "250" } }));
    const report = (await process(request()))._unsafeUnwrapErr();
    expect(report).toMatchObject({ outcome: "unknown-outcome", identifier: "timeout", attempts: 1 });
    expect(tokenPosts()).toHaveLength(1);
  });

  it("fail: verification.failed (unknown-outcome) is published and the record acknowledged", async () => {
    injectToken({ type: "reset", afterHandling: true });
    const body = request();
    const messageId = unique("msg");
    const { process } = harness(stack().newContainer({ env: { MARKID_TOKEN_UNKNOWN_OUTCOME: "fail" } }));
    const report = (await process(body, messageId))._unsafeUnwrap();
    expect(report.outcome).toBe("unknown-outcome-failed");
    expect(tokenPosts()).toHaveLength(1);
    expect(events()).toEqual([
      {
        type: "verification.failed",
        state: undefined,
        body: {
          type: "verification.failed",
          messageId,
          requestId: body.requestId,
          clientId: "cust-42",
          reason: "unknown-outcome",
          fields: [],
        },
      },
    ]);
  });
});

describe("TOO_MANY_REQUESTS, 429: retried with the longer delay, honouring Retry-After", () => {
  it.each([
    ["a plain 429", false],
    ["TOO_MANY_REQUESTS", true],
  ])("%s with Retry-After: 2 waits at least 2 s, then creates the token", async (_name, withIdentifier) => {
    injectToken({ type: "rate-limited", retryAfterSeconds: 2, withIdentifier });
    const { process, sleeps, attempts } = harness();
    const report = (await process(request()))._unsafeUnwrap();
    expect(report.outcome).toBe("session-created");
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(2_000);
    expect(attempts[0]).toMatchObject({
      outcome: "retry",
      decision: { action: "retry", backoff: "rate-limited" },
    });
  });

  it("429 on every attempt: given back without an alert", async () => {
    injectToken({ type: "rate-limited" }, 10);
    const report = (await harness().process(request()))._unsafeUnwrapErr();
    expect(report).toMatchObject({ outcome: "markid-failed", action: "retry", identifier: "HTTP_429" });
    expect(alerts()).toEqual([]);
  });
});

describe("UNAUTHORIZED, 401: refresh the credentials once", () => {
  it("the key pair was rotated in Mark ID only: credentials-invalid alert, given back", async () => {
    stack().simulator.control.rotateCredentials("someone-elses-key", "someone-elses-secret");
    const body = request();
    const report = (await harness().process(body))._unsafeUnwrapErr();
    expect(report).toMatchObject({
      outcome: "markid-failed",
      action: "refresh-credentials",
      identifier: "UNAUTHORIZED",
      alert: { type: "markid.credentials-invalid", sent: true },
    });
    expect(tokenPosts()).toHaveLength(1);
    expect(alerts()).toMatchObject([
      {
        type: "markid.credentials-invalid",
        state: "firing",
        body: { severity: "critical", stage: "test", count: 1 },
      },
    ]);
    expect(await sessionItem(body.requestId)).toBeUndefined();
  });

  it("a 401 without identifier (iDenfy's style) is the same", async () => {
    injectToken({ type: "http-status", status: 401 });
    const report = (await harness().process(request()))._unsafeUnwrapErr();
    expect(report).toMatchObject({ action: "refresh-credentials", identifier: "HTTP_401" });
    expect(alerts().map((a) => a.type)).toEqual(["markid.credentials-invalid"]);
  });

  it("Secrets Manager failing during the refresh: given back, no credentials alert (the key pair is unknown)", async () => {
    const deps = stack().newContainer();
    (await deps.credentials.get())._unsafeUnwrap();
    injectToken({ type: "http-status", status: 401 });
    stack().aws.faults.inject({
      service: "secretsmanager",
      operation: "GetSecretValue",
      error: "access-denied",
    });
    const report = (await harness(deps).process(request()))._unsafeUnwrapErr();
    expect(report).toMatchObject({ outcome: "markid-failed", action: "credentials-unavailable" });
    expect(alerts()).toEqual([]);
  });
});

describe("token limit: PERMISSIONS_ERROR 'Partner reached token limit.', 402", () => {
  it("one alert for many records, every record given back; after the top-up a token resolves it, once", async () => {
    stack().simulator.control.setTokenBalance(0);
    const { process } = harness();
    const bodies = [request(), request(), request()];
    const reports = await Promise.all(bodies.map((body) => process(body)));
    for (const report of reports) {
      expect(report._unsafeUnwrapErr()).toMatchObject({
        outcome: "markid-failed",
        action: "token-limit",
        identifier: "PERMISSIONS_ERROR",
      });
    }
    for (const body of bodies) expect(await sessionItem(body.requestId)).toBeUndefined();
    expect(alerts()).toMatchObject([{ type: "markid.token-limit-reached", state: "firing" }]);

    stack().simulator.control.setTokenBalance(10);
    const redelivered = (await process(bodies[0]!))._unsafeUnwrap();
    expect(redelivered).toMatchObject({ outcome: "session-created", tokenLimitResolved: true });
    (await process(bodies[1]!))._unsafeUnwrap();
    // A new container finds nothing firing either.
    (await harness().process(bodies[2]!))._unsafeUnwrap();

    expect(alerts()).toMatchObject([
      { type: "markid.token-limit-reached", state: "firing" },
      { type: "markid.token-limit-reached", state: "resolved", body: { count: 3 } },
    ]);
  });

  it("402 (iDenfy: lack of funds) is the token limit too", async () => {
    injectToken({ type: "http-status", status: 402 });
    const report = (await harness().process(request()))._unsafeUnwrapErr();
    expect(report).toMatchObject({ action: "token-limit", identifier: "HTTP_402" });
    expect(alerts().map((a) => a.type)).toEqual(["markid.token-limit-reached"]);
  });
});

describe("other PERMISSIONS_ERROR, PARTNER_CONTRACT_ERROR, 403: permission-denied alert, dead-letter", () => {
  it.each<[string, FaultSpec, string]>([
    [
      "PERMISSIONS_ERROR",
      { type: "identifier", identifier: "PERMISSIONS_ERROR", message: "Not allowed." },
      "PERMISSIONS_ERROR",
    ],
    [
      "PARTNER_CONTRACT_ERROR",
      { type: "identifier", identifier: "PARTNER_CONTRACT_ERROR" },
      "PARTNER_CONTRACT_ERROR",
    ],
    ["403 Partner inactive", { type: "http-status", status: 403 }, "HTTP_403"],
  ])("%s", async (_name, fault, identifier) => {
    injectToken(fault);
    const body = request();
    const report = (await harness().process(body))._unsafeUnwrapErr();
    expect(report).toMatchObject({
      outcome: "markid-failed",
      action: "permission-denied",
      identifier,
      attempts: 1,
      alert: { type: "markid.permission-denied", sent: true },
    });
    expect(alerts()).toMatchObject([
      { type: "markid.permission-denied", state: "firing", body: { severity: "critical" } },
    ]);
    expect(await sessionItem(body.requestId)).toBeUndefined();
    expect(events()).toEqual([]);
  });
});

describe("BAD_VALUE, MISSING_VALUE, VALIDATION_ERROR: verification.failed, acknowledged", () => {
  it.each(["BAD_VALUE", "MISSING_VALUE", "VALIDATION_ERROR", "PARTNER_ERROR", "TOKEN_NOT_VALID"])(
    "%s",
    async (identifier) => {
      injectToken({ type: "identifier", identifier });
      const body = request();
      const messageId = unique("msg");
      const report = (await harness().process(body, messageId))._unsafeUnwrap();
      expect(report).toMatchObject({
        outcome: "request-rejected",
        action: "reject-request",
        identifier,
        attempts: 1,
      });
      expect(events()).toEqual([
        {
          type: "verification.failed",
          state: undefined,
          body: {
            type: "verification.failed",
            messageId,
            requestId: body.requestId,
            clientId: "cust-42",
            reason: "rejected-by-markid",
            identifier,
            fields: [],
          },
        },
      ]);
      expect(alerts()).toEqual([]);
      // No token was made: a corrected request with the same requestId may go through.
      expect(await sessionItem(body.requestId)).toBeUndefined();
    },
  );

  it("the simulator's own BAD_VALUE (digit string with a too long expiry)", async () => {
    const report = (
      await harness().process(request({ generateDigitString: true, expiryTime: 90_000 }))
    )._unsafeUnwrap();
    expect(report).toMatchObject({ outcome: "request-rejected", identifier: "BAD_VALUE" });
    expect(events().map((e) => e.body["reason"])).toEqual(["rejected-by-markid"]);
  });
});

describe("JSON_ERROR, ENCODING_ERROR, METHOD_NOT_ALLOWED, schema mismatch, unknown identifier: client-error alert, dead-letter", () => {
  it.each<[string, FaultSpec, string]>([
    ["JSON_ERROR", { type: "identifier", identifier: "JSON_ERROR" }, "JSON_ERROR"],
    ["ENCODING_ERROR", { type: "identifier", identifier: "ENCODING_ERROR" }, "ENCODING_ERROR"],
    ["METHOD_NOT_ALLOWED", { type: "identifier", identifier: "METHOD_NOT_ALLOWED" }, "METHOD_NOT_ALLOWED"],
    ["an unknown identifier", { type: "identifier", identifier: "SHINY_NEW_ERROR" }, "SHINY_NEW_ERROR"],
    ["404", { type: "http-status", status: 404 }, "HTTP_404"],
  ])("%s", async (_name, fault, identifier) => {
    injectToken(fault);
    const body = request();
    const report = (await harness().process(body))._unsafeUnwrapErr();
    expect(report).toMatchObject({
      outcome: "markid-failed",
      action: "client-error",
      identifier,
      attempts: 1,
      alert: { type: "markid.client-error", sent: true },
    });
    expect(alerts()).toMatchObject([
      { type: "markid.client-error", state: "firing", body: { severity: "warning" } },
    ]);
    expect(await sessionItem(body.requestId)).toBeUndefined();
  });

  it("a truncated 201 (a token was made but cannot be read): alert, dead-letter, and the claim is held while the token lives", async () => {
    injectToken({ type: "truncated-json" });
    const body = request({ expiryTime: 600 });
    const report = (await harness().process(body))._unsafeUnwrapErr();
    expect(report).toMatchObject({
      outcome: "markid-failed",
      action: "client-error",
      identifier: "schema-mismatch",
    });
    expect(alerts().map((a) => a.type)).toEqual(["markid.client-error"]);
    const held = await sessionItem(body.requestId);
    expect(held).toMatchObject({ status: "in-progress" });
    // Held until the token's own expiry (600 s), not just past this invocation.
    expect(held?.["leaseUntil"]).toBeGreaterThan(Date.now() + 590_000);

    // A duplicate long after an invocation's lease would have lapsed still spends no credit.
    const later = Date.now() + 5 * 60_000;
    const duplicate = (
      await harness(stack().newContainer({ now: () => later })).process(body)
    )._unsafeUnwrapErr();
    expect(duplicate.outcome).toBe("in-progress");
    expect(tokenPosts()).toHaveLength(1);
  });
});

describe("Secrets Manager failing", () => {
  it("gives the record back before anything is sent, without an alert", async () => {
    stack().aws.faults.inject({ service: "secretsmanager", operation: "GetSecretValue", error: "internal" });
    const body = request();
    const report = (await harness().process(body))._unsafeUnwrapErr();
    expect(report).toMatchObject({
      outcome: "markid-failed",
      action: "credentials-unavailable",
      identifier: "credentials-unavailable",
    });
    expect(tokenPosts()).toEqual([]);
    expect(alerts()).toEqual([]);
    expect(await sessionItem(body.requestId)).toBeUndefined();
  });
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
