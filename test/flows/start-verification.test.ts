import { PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { afterEach, describe, expect, it } from "vitest";
import { createStateTable, readStateItem, stateKey } from "../../lib/aws/state-table";
import type { ClaimOptions } from "../../lib/aws/session-store";
import {
  createStartVerificationFlow,
  type StartVerificationOptions,
} from "../../lib/flows/start-verification";
import { redirectUrlFor, sessionFromToken } from "../../lib/flows/start-verification/session";
import type { Dependencies } from "../../lib/runtime/dependencies";
import { resetStack, STACK_SECRET, useStack } from "../support/stack";

/*
 * The start-verification flow for one record, over real HTTP against the Mark ID simulator and
 * the local AWS stack with the real SDK clients: what is published, what is stored, and that one
 * requestId never spends two credits. The error-policy rows are in start-verification-policy.test.ts.
 */

const stack = useStack();

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

function harness(deps: Dependencies = stack().newContainer(), options: StartVerificationOptions = {}) {
  const flow = createStartVerificationFlow(deps, options);
  return {
    deps,
    flow,
    process: (body: unknown, opts: { messageId?: string; remainingMs?: number } = {}) => {
      const deadline = Date.now() + (opts.remainingMs ?? 30_000);
      return flow.process({
        messageId: opts.messageId ?? unique("msg"),
        body: typeof body === "string" ? body : JSON.stringify(body),
        remainingTimeMs: () => deadline - Date.now(),
      });
    },
  };
}

const tokenPosts = () =>
  stack()
    .simulator.control.requests()
    .filter((request) => request.method === "POST" && request.path === "/api/v2/token");

const published = (topicArn: string) =>
  stack()
    .aws.sns.published(topicArn)
    .map((message) => ({
      type: message.messageAttributes["type"]?.stringValue,
      body: JSON.parse(message.message) as Record<string, unknown>,
    }));
const events = () => published(stack().resources.eventsTopicArn);

const table = () =>
  createStateTable({ client: stack().clients.dynamodb, tableName: stack().resources.tableName });
const sessionItem = async (requestId: string) =>
  (await readStateItem(table(), stateKey("session", requestId)))._unsafeUnwrap();

afterEach(() => resetStack(stack()));

describe("a new request", () => {
  it("creates one token, stores the session past the token's expiry, and publishes it with its type attribute", async () => {
    const now = Date.now();
    const { process } = harness(stack().newContainer({ now: () => now }));
    const requestId = unique("req");
    const balance = stack().simulator.control.tokenBalance();

    const report = (
      await process({ requestId, clientId: "cust-1", locale: "lt", expiryTime: 600 })
    )._unsafeUnwrap();

    expect(report).toMatchObject({ outcome: "session-created", requestId });
    expect(stack().simulator.control.tokenBalance()).toBe(balance - 1);
    const [post] = tokenPosts();
    expect(JSON.parse(post!.body)).toEqual({ clientId: "cust-1", locale: "lt", expiryTime: 600 });

    const [event, ...others] = events();
    expect(others).toEqual([]);
    expect(event!.type).toBe("verification.session-created");
    const body = event!.body;
    expect(body).toEqual({
      type: "verification.session-created",
      requestId,
      clientId: "cust-1",
      scanRef: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      authToken: expect.stringMatching(/^[A-Za-z0-9]{40}$/) as string,
      redirectUrl: `${stack().simulator.url}/api/v2/redirect?authToken=${body["authToken"] as string}`,
      expiresAt: new Date(now + 600_000).toISOString(),
    });
    expect(stack().simulator.control.verification(body["scanRef"] as string)).toMatchObject({
      clientId: "cust-1",
    });

    const item = await sessionItem(requestId);
    expect(item).toMatchObject({
      status: "published",
      // Kept past the token by the results' retention (30 days by default): a late duplicate
      // re-publishes it rather than making a second token.
      expiresAt: Math.ceil((now + 600_000) / 1000) + 30 * 86_400,
      session: {
        scanRef: body["scanRef"],
        authToken: body["authToken"],
        redirectUrl: body["redirectUrl"],
        expiresAt: body["expiresAt"],
        clientId: "cust-1",
      },
    });
  });

  it("re-publishes the session to a duplicate that comes after its token expired: never a second token", async () => {
    let now = Date.now();
    const { process } = harness(stack().newContainer({ now: () => now }));
    const request = { requestId: unique("req"), clientId: "cust-late", expiryTime: 60 };
    (await process(request))._unsafeUnwrap();
    const tokenCalls = () =>
      stack()
        .simulator.control.requests()
        .filter((r) => r.path === "/api/v2/token").length;
    const callsBefore = tokenCalls();

    now += 3_600_000; // an hour after the token expired: a late duplicate, or a redrive
    (await process(request))._unsafeUnwrap();

    expect(tokenCalls()).toBe(callsBefore);
    const scanRefs = events().map((event) => event.body["scanRef"]);
    expect(scanRefs).toHaveLength(2);
    expect(scanRefs[1]).toBe(scanRefs[0]);
  });

  it("defaults the expiry to Mark ID's (86 400 s) when the request sets none", async () => {
    const now = Date.now();
    const { process } = harness(stack().newContainer({ now: () => now }));
    (await process({ requestId: unique("req"), clientId: "cust-2" }))._unsafeUnwrap();
    expect(events()[0]!.body["expiresAt"]).toBe(new Date(now + 86_400_000).toISOString());
  });

  it("claims the request for longer than the invocation can still run", async () => {
    const deps = stack().newContainer();
    const claims: ClaimOptions[] = [];
    const { process } = harness({
      ...deps,
      sessions: {
        ...deps.sessions,
        claim: (requestId, options) => {
          claims.push(options);
          return deps.sessions.claim(requestId, options);
        },
      },
    });
    (await process({ requestId: unique("req"), clientId: "c" }, { remainingMs: 25_000 }))._unsafeUnwrap();
    expect(claims).toHaveLength(1);
    expect(claims[0]!.leaseMs).toBeGreaterThanOrEqual(25_000 + 5_000);
  });
});

describe("one token per requestId", () => {
  it("re-publishes the stored session for a duplicate, without calling Mark ID", async () => {
    const { process } = harness();
    const requestId = unique("req");
    const balance = stack().simulator.control.tokenBalance();

    (await process({ requestId, clientId: "cust-3" }))._unsafeUnwrap();
    const second = (await process({ requestId, clientId: "cust-3" }))._unsafeUnwrap();
    // A redelivery in another container behaves the same.
    const third = (await harness().process({ requestId, clientId: "cust-3" }))._unsafeUnwrap();

    expect(second.outcome).toBe("session-republished");
    expect(third.outcome).toBe("session-republished");
    expect(tokenPosts()).toHaveLength(1);
    expect(stack().simulator.control.tokenBalance()).toBe(balance - 1);
    const [first, ...again] = events();
    expect(again).toHaveLength(2);
    for (const event of again) expect(event).toEqual(first);
  });

  it("never gives a reused requestId with another body the earlier session: request-id-conflict, no token", async () => {
    const { process } = harness();
    const requestId = unique("req");
    (await process({ requestId, clientId: "person-a" }))._unsafeUnwrap();
    const [session] = events();

    const conflict = (await process({ requestId, clientId: "person-b" }))._unsafeUnwrap();
    const other = (await process({ requestId, clientId: "person-a", locale: "en" }))._unsafeUnwrap();

    expect(conflict).toMatchObject({ outcome: "request-conflict", requestId });
    expect(other).toMatchObject({ outcome: "request-conflict", requestId });
    expect(tokenPosts()).toHaveLength(1);
    const later = events().slice(1);
    expect(later.map((e) => e.body)).toEqual([
      expect.objectContaining({
        type: "verification.failed",
        reason: "request-id-conflict",
        clientId: "person-b",
      }),
      expect.objectContaining({
        type: "verification.failed",
        reason: "request-id-conflict",
        clientId: "person-a",
      }),
    ]);
    const authToken = session!.body["authToken"] as string;
    for (const event of later) expect(JSON.stringify(event.body)).not.toContain(authToken);
    // The original request still gets its own session back.
    expect((await process({ requestId, clientId: "person-a" }))._unsafeUnwrap().outcome).toBe(
      "session-republished",
    );
  });

  it("refuses a request whose person was erased: verification.failed erased, no clientId, no token", async () => {
    const deps = stack().newContainer();
    const { process } = harness(deps);
    const requestId = unique("req");
    (await process({ requestId, clientId: "person-erased" }))._unsafeUnwrap();
    const scanRef = events()[0]!.body["scanRef"] as string;
    const erasable = (await deps.erasures.sessionOf(scanRef))._unsafeUnwrap();
    expect(erasable).toMatchObject({ requestId, clientId: "person-erased" });
    (await deps.erasures.forget(erasable!, Date.now()))._unsafeUnwrap();

    // The old message redelivered, in this container and in another.
    const again = (await process({ requestId, clientId: "person-erased" }))._unsafeUnwrap();
    const elsewhere = (await harness().process({ requestId, clientId: "person-erased" }))._unsafeUnwrap();

    expect(again).toMatchObject({ outcome: "request-erased", requestId });
    expect(elsewhere).toMatchObject({ outcome: "request-erased", requestId });
    expect(tokenPosts()).toHaveLength(1);
    const later = events().slice(1);
    for (const event of later) {
      expect(event.body).toEqual({
        type: "verification.failed",
        requestId,
        messageId: event.body["messageId"],
        reason: "erased",
        fields: [],
      });
    }
    expect(later).toHaveLength(2);
    expect(JSON.stringify(await sessionItem(requestId))).not.toContain("person-erased");
  });

  it("refuses a conflicting body while the first is still with Mark ID, without taking its claim", async () => {
    stack().simulator.control.injectFault({ fault: { type: "latency", ms: 300 }, path: "/api/v2/token" });
    const requestId = unique("req");
    const first = harness().process({ requestId, clientId: "person-a" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const conflict = (await harness().process({ requestId, clientId: "person-b" }))._unsafeUnwrap();
    expect(conflict.outcome).toBe("request-conflict");
    expect((await first)._unsafeUnwrap().outcome).toBe("session-created");
    expect(tokenPosts()).toHaveLength(1);
  });

  it("gives back a duplicate that arrives while the first is still with Mark ID, then re-publishes", async () => {
    stack().simulator.control.injectFault({ fault: { type: "latency", ms: 300 }, path: "/api/v2/token" });
    const requestId = unique("req");
    const [a, b] = await Promise.all([
      harness().process({ requestId, clientId: "c" }),
      harness().process({ requestId, clientId: "c" }),
    ]);
    const outcomes = [a, b].map((result) =>
      result.match(
        (report) => report.outcome,
        (report) => report.outcome,
      ),
    );
    expect(outcomes.sort()).toEqual(["in-progress", "session-created"]);

    const redelivered = (await harness().process({ requestId, clientId: "c" }))._unsafeUnwrap();
    expect(redelivered.outcome).toBe("session-republished");
    expect(tokenPosts()).toHaveLength(1);
    expect(events()).toHaveLength(2);
  });

  it("gives the record back when the session event cannot be published, and re-publishes it without a new token", async () => {
    const requestId = unique("req");
    const fault = stack().aws.faults.inject({ service: "sns", operation: "Publish", error: "internal" });
    const failed = (await harness().process({ requestId, clientId: "c" }))._unsafeUnwrapErr();
    expect(failed).toMatchObject({ outcome: "publish-failed", requestId });
    expect(await sessionItem(requestId)).toMatchObject({ status: "session-created" });
    fault.remove();

    const redelivered = (await harness().process({ requestId, clientId: "c" }))._unsafeUnwrap();
    expect(redelivered.outcome).toBe("session-republished");
    expect(tokenPosts()).toHaveLength(1);
    const [event, ...others] = events();
    expect(others).toEqual([]);
    const stored = (await sessionItem(requestId))!["session"] as { scanRef: string };
    expect(event!.body).toMatchObject({ requestId, scanRef: stored.scanRef });
    expect(await sessionItem(requestId)).toMatchObject({ status: "published" });
  });

  it("publishes a token whose session could not be stored rather than spend a second credit", async () => {
    const requestId = unique("req");
    // The SDK makes two attempts (stack clients): both UpdateItem calls of saveSession fail.
    stack().aws.faults.inject({ service: "dynamodb", operation: "UpdateItem", error: "internal", count: 2 });
    const report = (await harness().process({ requestId, clientId: "c" }))._unsafeUnwrap();
    expect(report.outcome).toBe("session-created-unrecorded");
    expect(events().map((event) => event.type)).toEqual(["verification.session-created"]);
    // The claim stays, so a duplicate is refused rather than given a second token.
    expect(await sessionItem(requestId)).toMatchObject({ status: "in-progress" });
    const duplicate = (await harness().process({ requestId, clientId: "c" }))._unsafeUnwrapErr();
    expect(duplicate.outcome).toBe("in-progress");
    expect(tokenPosts()).toHaveLength(1);
  });

  it("gives back a request whose claim cannot be written, without calling Mark ID", async () => {
    stack().aws.faults.inject({ service: "dynamodb", operation: "PutItem", error: "internal" });
    const report = (await harness().process({ requestId: unique("req"), clientId: "c" }))._unsafeUnwrapErr();
    expect(report).toMatchObject({ outcome: "state-unavailable", identifier: "InternalServerError" });
    expect(tokenPosts()).toEqual([]);
  });
});

describe("an invalid request body", () => {
  it.each([
    ["not JSON", "clientId=c&requestId=r", {}, ["(root)"]],
    ["missing clientId", { requestId: "REQ" }, { requestId: "REQ" }, ["clientId"]],
    ["missing requestId", { clientId: "cust-7" }, { clientId: "cust-7" }, ["requestId"]],
    [
      "a firstName with digits and a locale of the wrong shape",
      { requestId: "REQ", clientId: "cust-8", firstName: "J0hn", locale: "not a language" },
      { requestId: "REQ", clientId: "cust-8" },
      ["firstName", "locale"],
    ],
  ])(
    "%s → verification.failed naming the fields, acknowledged, nothing claimed or spent",
    async (_name, body, known, fields) => {
      const requestId = unique("req");
      const withId = (value: unknown) =>
        JSON.parse(JSON.stringify(value).replaceAll("REQ", requestId)) as unknown;
      const messageId = unique("msg");
      const report = (
        await harness().process(typeof body === "string" ? body : withId(body), { messageId })
      )._unsafeUnwrap();

      expect(report.outcome).toBe("request-invalid");
      expect(events()).toEqual([
        {
          type: "verification.failed",
          body: {
            type: "verification.failed",
            messageId,
            reason: "invalid-request",
            fields,
            ...(withId(known) as object),
          },
        },
      ]);
      expect(tokenPosts()).toEqual([]);
      expect(await sessionItem(requestId)).toBeUndefined();
    },
  );

  it("is given back when its failure event cannot be published", async () => {
    stack().aws.faults.inject({ service: "sns", operation: "Publish", error: "internal" });
    const report = (await harness().process("not json"))._unsafeUnwrapErr();
    expect(report.outcome).toBe("publish-failed");
  });
});

describe("the deadline", () => {
  it("does not start a record with too little time left", async () => {
    const requestId = unique("req");
    const report = (
      await harness().process({ requestId, clientId: "c" }, { remainingMs: 500 })
    )._unsafeUnwrapErr();
    expect(report.outcome).toBe("not-started");
    expect(tokenPosts()).toEqual([]);
    expect(await sessionItem(requestId)).toBeUndefined();
  });
});

describe("credentials rotated in Mark ID and in Secrets Manager", () => {
  it("refreshes the secret once and creates the token without an alert", async () => {
    const deps = stack().newContainer();
    const { process } = harness(deps);
    (await process({ requestId: unique("req"), clientId: "c" }))._unsafeUnwrap(); // caches the key pair
    stack().simulator.control.clearRequests();
    stack().aws.sns.clear();

    const rotated = { ...STACK_SECRET, apiKey: "rotated-key", apiSecret: "rotated-secret" };
    stack().simulator.control.rotateCredentials(rotated.apiKey, rotated.apiSecret);
    await stack().clients.secretsManager.send(
      new PutSecretValueCommand({
        SecretId: stack().resources.secretName,
        SecretString: JSON.stringify(rotated),
      }),
    );
    try {
      const report = (await process({ requestId: unique("req"), clientId: "c" }))._unsafeUnwrap();
      expect(report.outcome).toBe("session-created");
      expect(tokenPosts().map((request) => request.authorized)).toEqual([false, true]);
      expect(published(stack().resources.alertsTopicArn)).toEqual([]);
    } finally {
      stack().simulator.control.rotateCredentials(STACK_SECRET.apiKey, STACK_SECRET.apiSecret);
      await stack().clients.secretsManager.send(
        new PutSecretValueCommand({
          SecretId: stack().resources.secretName,
          SecretString: JSON.stringify(STACK_SECRET),
        }),
      );
    }
  });
});

describe("session helpers", () => {
  const request = {
    requestId: "r",
    clientId: "c",
    token: { clientId: "c", expiryTime: 120 },
    fingerprint: "fp",
  };
  const token = { authToken: "tok+/=", scanRef: "scan-1", clientId: "c" };

  it("falls back to the documented redirect entry point, with the token URL-encoded", () => {
    const { session } = sessionFromToken(token, request, { baseUrl: "https://ivs.markid.eu/", now: 0 });
    expect(session.redirectUrl).toBe("https://ivs.markid.eu/api/v2/redirect?authToken=tok%2B%2F%3D");
    expect(redirectUrlFor("https://ivs.markid.eu", "abc")).toBe(
      "https://ivs.markid.eu/api/v2/redirect?authToken=abc",
    );
  });

  it("takes the expiry from the reply, else the request, else Mark ID's default", () => {
    const at = (reply: Partial<{ expiryTime: number | null }>, expiryTime?: number) =>
      sessionFromToken(
        { ...token, ...reply },
        { ...request, token: { clientId: "c", ...(expiryTime ? { expiryTime } : {}) } },
        {
          baseUrl: "https://x.test",
          now: 1_000_000,
        },
      );
    expect(at({ expiryTime: 60 }, 120).session.expiresAt).toBe(new Date(1_060_000).toISOString());
    expect(at({ expiryTime: null }, 120).session.expiresAt).toBe(new Date(1_120_000).toISOString());
    expect(at({}).session.expiresAt).toBe(new Date(1_000_000 + 86_400_000).toISOString());
    expect(at({ expiryTime: -5 }).ttlEpochSeconds).toBe(Math.ceil((1_000_000 + 86_400_000) / 1000));
  });
});
