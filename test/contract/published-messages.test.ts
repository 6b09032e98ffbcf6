import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { deleteDueVerifications } from "../../lib/flows/delete-verifications";
import { erasePerson } from "../../lib/flows/erase-person";
import { createStartVerificationFlow } from "../../lib/flows/start-verification";
import { processVerificationWebhook } from "../../lib/flows/verification-webhook";
import { createSigningKeySource } from "../../lib/flows/webhook-signing-key";
import { callEndpoint } from "../../lib/markid/endpoint";
import { tokenEndpoint } from "../../lib/markid/endpoints";
import { signWebhookBody } from "../../lib/markid/webhook-signature";
import { MESSAGE_SCHEMAS, sessionCreatedEventSchema } from "../../lib/message-schemas";
import { publishQueuedResults } from "../support/results-queue";
import { resetStack, STACK_SECRET, useStack } from "../support/stack";

/*
 * The schemas of docs/events/ against what the functions really publish: the flows run over the
 * local stack (simulator, local SNS) and every message on both topics must parse with its schema
 * (a schema too strict fails here) and come out unchanged (`z.object` strips what a schema does
 * not name, so a published field the contract forgets fails here too). Its SNS attributes must be
 * its `type` (and `state`), which is what the AsyncAPI headers promise.
 */

const stack = useStack();
afterEach(() => resetStack(stack()));

type SchemaName = keyof typeof MESSAGE_SCHEMAS;
const covered = new Set<SchemaName>();

/** Checks every message published since the last reset; returns their type (and reason or state). */
function expectPublishedConform(): string[] {
  const topics = [
    ["events", stack().resources.eventsTopicArn],
    ["alerts", stack().resources.alertsTopicArn],
  ] as const;
  return topics.flatMap(([topic, arn]) =>
    stack()
      .aws.sns.published(arn)
      .map((message) => {
        const body = JSON.parse(message.message) as { type: string; state?: string; reason?: string };
        const name = (topic === "alerts" ? "alert" : body.type) as SchemaName;
        const schema = MESSAGE_SCHEMAS[name];
        expect(schema, `no schema for ${topic} message ${body.type}`).toBeDefined();
        const parsed = schema.safeParse(body);
        expect(parsed.error, `${body.type} does not parse`).toBeUndefined();
        expect(parsed.data, `${body.type} has a field its schema does not name`).toEqual(body);
        expect(message.messageAttributes["type"]?.stringValue).toBe(body.type);
        expect(message.messageAttributes["state"]?.stringValue).toBe(body.state);
        covered.add(name);
        return [body.type, body.reason ?? body.state].filter(Boolean).join(" ");
      }),
  );
}

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

function startVerification() {
  const flow = createStartVerificationFlow(stack().newContainer(), { sleep: () => Promise.resolve() });
  const deadline = Date.now() + 30_000;
  return (body: string) =>
    flow.process({ messageId: unique("msg"), body, remainingTimeMs: () => deadline - Date.now() });
}

describe("start-verification publishes messages its schemas accept", () => {
  it("session-created, verification.failed (conflict, invalid, rejected; unknown-outcome is the same shape), and the token-limit alert firing then resolved", async () => {
    const process = startVerification();
    const requestId = unique("req");
    await process(JSON.stringify({ requestId, clientId: "cust-1", locale: "en", externalRef: "ext-1" }));
    // The same requestId with another body; a body without clientId; one that is not JSON.
    await process(JSON.stringify({ requestId, clientId: "cust-2" }));
    await process(JSON.stringify({ requestId: unique("req") }));
    await process("not json");
    stack().simulator.control.injectFault({
      fault: { type: "identifier", identifier: "BAD_VALUE" },
      count: 1,
      path: "/api/v2/token",
    });
    await process(JSON.stringify({ requestId: unique("req"), clientId: "cust-3" }));
    stack().simulator.control.setTokenBalance(0);
    await process(JSON.stringify({ requestId: unique("req"), clientId: "cust-4" }));
    stack().simulator.control.setTokenBalance(10);
    await process(JSON.stringify({ requestId: unique("req"), clientId: "cust-5" }));

    expect(expectPublishedConform()).toEqual([
      "verification.session-created",
      "verification.failed request-id-conflict",
      "verification.failed invalid-request",
      "verification.failed invalid-request",
      "verification.failed rejected-by-markid",
      "verification.session-created",
      "markid.token-limit-reached firing",
      "markid.token-limit-reached resolved",
    ]);
  });
});

describe("verification-webhook publishes messages its schemas accept", () => {
  const peerBody = readFileSync(new URL("../fixtures/peer-webhook-go-idenfy.json", import.meta.url), "utf8");

  async function deliver(body: string, headers: Record<string, string> = {}) {
    const deps = stack().newContainer();
    const signature = signWebhookBody(body, STACK_SECRET.webhookSigningKey);
    const outcome = await processVerificationWebhook(
      { body, headers: { "idenfy-signature": signature, ...headers } },
      {
        signingKey: createSigningKeySource({ credentials: deps.credentials }),
        resultsQueue: deps.resultsQueue,
      },
      { maxBodyBytes: 262_144, signatureHeader: "Idenfy-Signature" },
    );
    expect(outcome.isOk()).toBe(true);
  }

  it("verification.completed for a vendor's result and for a sparse one; markid.notification with and without a scanRef", async () => {
    await deliver(peerBody);
    // Numbers where strings belong and no tags: the flow is lenient, the event still conforms.
    const sparse = {
      clientId: 42,
      scanRef: `scan-${randomUUID()}`,
      status: { overall: "DENIED", autoFace: 7 },
    };
    await deliver(JSON.stringify(sparse));
    const expiration = { scanRef: `scan-${randomUUID()}`, clientId: "cust-1", documentExpiry: "2027-01-01" };
    await deliver(JSON.stringify(expiration), { "idenfy-event-type": "DOCUMENT_EXPIRATION" });
    await deliver(JSON.stringify({ something: "new" }));
    // The webhook queues; the publisher publishes (publish-verification-result).
    expect(await publishQueuedResults(stack())).toEqual({ received: 4, givenBack: 0 });

    // The publisher takes a batch's records concurrently: the order is not the delivery order.
    expect(expectPublishedConform().sort()).toEqual([
      "markid.notification",
      "markid.notification",
      "verification.completed",
      "verification.completed",
    ]);
  });
});

describe("the reconciler's retention phase publishes messages its schemas accept", () => {
  it("verification.deleted for a session made here and for one made elsewhere", async () => {
    const deps = stack().newContainer({ env: { MARKID_RETENTION_SECONDS: "60" } });
    const created = await callEndpoint(deps.markIdTransport, tokenEndpoint, { clientId: "cust-1" });
    const { scanRef } = created._unsafeUnwrap();
    (
      await deps.openSessions.track(
        { scanRef, requestId: unique("req"), clientId: "cust-1", tokenExpiresAtMs: Date.now() },
        { reconcileAfterSeconds: 900, retentionSeconds: 86_400 },
      )
    )._unsafeUnwrap();
    const other = (
      await callEndpoint(deps.markIdTransport, tokenEndpoint, { clientId: "cust-2" })
    )._unsafeUnwrap();
    for (const ref of [scanRef, other.scanRef]) {
      stack().simulator.control.expire(ref);
      const next = { retentionSeconds: 86_400, final: true, deleteAfterSeconds: 60 };
      (await deps.sequence.next(ref, next))._unsafeUnwrap();
    }
    const later = { ...deps, now: () => Date.now() + 3_600_000 };
    const summary = await deleteDueVerifications(later, { remainingTimeMs: () => 30_000 });
    expect(summary).toMatchObject({ due: 2, deleted: 2 });
    expect(expectPublishedConform()).toEqual(["verification.deleted", "verification.deleted"]);
  });
});

describe("the eraser publishes messages its schemas accept", () => {
  it("verification.erased: pending (a token not expired), complete, and invalid-request", async () => {
    const deps = stack().newContainer();
    const clientId = unique("person");
    const scanRefs: string[] = [];
    for (let n = 0; n < 2; n += 1) {
      const { scanRef } = (
        await callEndpoint(deps.markIdTransport, tokenEndpoint, { clientId })
      )._unsafeUnwrap();
      (
        await deps.openSessions.track(
          { scanRef, requestId: unique("req"), clientId, tokenExpiresAtMs: Date.now() },
          { reconcileAfterSeconds: 900, retentionSeconds: 86_400 },
        )
      )._unsafeUnwrap();
      scanRefs.push(scanRef);
    }
    stack().simulator.control.expire(scanRefs[0]!);
    const erase = (body: string) =>
      erasePerson(body, deps, { messageId: unique("msg"), remainingTimeMs: () => 30_000 });
    const request = JSON.stringify({ erase: { clientId } });
    expect(await erase(request)).toMatchObject({ status: "pending", sessions: 2, pending: 1 });
    stack().simulator.control.expire(scanRefs[1]!);
    expect(await erase(request)).toMatchObject({ status: "complete", sessions: 1 });
    expect(await erase(JSON.stringify({ erase: {} }))).toMatchObject({ status: "invalid-request" });
    expect(expectPublishedConform()).toEqual([
      "verification.erased",
      "verification.erased",
      "verification.erased",
    ]);
  });
});

describe("the check itself", () => {
  const event = {
    type: "verification.session-created",
    requestId: "req-1",
    clientId: "cust-1",
    scanRef: "scan-1",
    authToken: "token",
    redirectUrl: "https://example.test/redirect",
    expiresAt: "2027-01-01T00:00:00.000Z",
  };

  it("sees a field the schema does not name (the schema too loose) and refuses a missing or mistyped one", () => {
    expect(sessionCreatedEventSchema.parse(event)).toEqual(event);
    expect(sessionCreatedEventSchema.parse({ ...event, region: "eu" })).not.toEqual({
      ...event,
      region: "eu",
    });
    const { scanRef: _scanRef, ...withoutScanRef } = event;
    expect(sessionCreatedEventSchema.safeParse(withoutScanRef).success).toBe(false);
    expect(sessionCreatedEventSchema.safeParse({ ...event, expiresAt: "tomorrow" }).success).toBe(false);
  });
});

// Last in the file (tests run in order): a schema for a message no test above publishes would be
// checked against nothing.
it("every documented message was published above", () => {
  expect([...covered].sort()).toEqual(Object.keys(MESSAGE_SCHEMAS).sort());
});
