import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  processVerificationWebhook,
  type WebhookFlowDependencies,
  type WebhookOutcome,
} from "../../lib/flows/verification-webhook";
import type { WebhookHttpRequest } from "../../lib/flows/webhook-request";
import { createSigningKeySource } from "../../lib/flows/webhook-signing-key";
import { signWebhookBody, verifyWebhookSignature } from "../../lib/markid/webhook-signature";
import type { QueuedDelivery } from "../../lib/result-delivery";
import { useStack } from "../support/stack";

/* The webhook flow's decisions over the local stack (real SDK clients, real HTTP). */

const stack = useStack();
const KEY = "TestingKey";
const HEADER = "Idenfy-Signature";
const PEER_BODY = readFileSync(new URL("../fixtures/peer-webhook-go-idenfy.json", import.meta.url));
const SETTINGS = { maxBodyBytes: 262_144, signatureHeader: HEADER };

let secretName = "";

beforeAll(() => {
  secretName = `markid/webhook-flow-${process.pid}`;
  stack().aws.secrets.put(
    secretName,
    JSON.stringify({ apiKey: "a", apiSecret: "b", webhookSigningKey: KEY }),
  );
});

afterEach(() => {
  stack().aws.faults.clear();
});

const NOW = Date.parse("2026-12-03T10:00:00.000Z");

function flowDependencies(): WebhookFlowDependencies {
  const deps = stack().newContainer({ env: { MARKID_SECRET_ID: secretName } });
  return {
    signingKey: createSigningKeySource({ credentials: deps.credentials }),
    resultsQueue: deps.resultsQueue,
    now: () => NOW,
  };
}

async function run(request: WebhookHttpRequest, deps: WebhookFlowDependencies): Promise<WebhookOutcome> {
  return processVerificationWebhook(request, deps, SETTINGS).match(
    (handled): WebhookOutcome => handled,
    (refused): WebhookOutcome => refused,
  );
}

function delivery(fields: { scanRef?: string; final?: boolean; overall?: string } = {}) {
  const body = JSON.stringify({
    clientId: 42,
    scanRef: fields.scanRef ?? `scan-${randomUUID()}`,
    final: fields.final ?? true,
    status: { overall: fields.overall ?? "APPROVED", fraudTags: "not-a-list", autoFace: 7 },
    data: { docFirstName: "A" },
  });
  return { body, headers: { [HEADER.toLowerCase()]: signWebhookBody(body, KEY) } };
}

/** What the results queue holds for `scanRef` (received and put back at once, so others still see it). */
async function queuedFor(scanRef: string): Promise<QueuedDelivery[]> {
  const { Messages = [] } = await stack().sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: stack().resources.resultsQueueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
    }),
  );
  return Messages.map((message) => JSON.parse(message.Body ?? "null") as QueuedDelivery).filter(
    (queued) => queued.event.scanRef === scanRef,
  );
}

describe("durable intake: the results queue, and nothing else", () => {
  it("queues a signed result as the event to be, stamped with when it arrived, and answers accepted", async () => {
    const deps = flowDependencies();
    const { body, headers } = delivery({ final: false });
    const scanRef = (JSON.parse(body) as { scanRef: string }).scanRef;

    expect(await run({ body, headers }, deps)).toEqual({
      kind: "accepted",
      delivery: { scanRef, final: false, overall: "APPROVED" },
    });
    const [queued, ...more] = await queuedFor(scanRef);
    expect(more).toEqual([]);
    // Lenient: a numeric clientId is kept as a string, odd status fields become empty, not refusals.
    expect(queued).toEqual({
      kind: "verification-result",
      event: expect.objectContaining({
        type: "verification.completed",
        scanRef,
        clientId: "42",
        final: false,
        fraudTags: [],
        autoFace: null,
        data: { docFirstName: "A" },
        source: "webhook",
        receivedAt: "2026-12-03T10:00:00.000Z",
      }) as unknown,
    });
    expect(queued?.event).not.toHaveProperty("sequence");
  });

  it("queues every copy of a repeated result (the publisher dedupes) and never calls SNS or DynamoDB", async () => {
    const deps = flowDependencies();
    const { body, headers } = delivery();
    const scanRef = (JSON.parse(body) as { scanRef: string }).scanRef;
    stack().aws.resetCalls();

    const outcomes = await Promise.all([1, 2, 3].map(() => run({ body, headers }, deps)));

    expect(outcomes.map((outcome) => outcome.kind)).toEqual(["accepted", "accepted", "accepted"]);
    expect(await queuedFor(scanRef)).toHaveLength(3);
    expect(stack().aws.calls("sns", "Publish")).toBe(0);
    expect(stack().aws.calls("dynamodb", "PutItem") + stack().aws.calls("dynamodb", "GetItem")).toBe(0);
  });

  it("queues a signed body at the size limit, whose delivery is larger than SQS's default 256 KiB", async () => {
    const deps = flowDependencies();
    const scanRef = `scan-${randomUUID()}`;
    // A result whose data fills the limit: its queued delivery adds the event's fields around it.
    const skeleton = JSON.stringify({
      clientId: "c",
      scanRef,
      final: true,
      status: { overall: "APPROVED" },
      data: { note: "" },
    });
    const body = skeleton.replace(
      '"note":""',
      `"note":"${"x".repeat(SETTINGS.maxBodyBytes - skeleton.length)}"`,
    );
    expect(Buffer.byteLength(body)).toBe(SETTINGS.maxBodyBytes);

    expect(await run({ body, headers: { [HEADER]: signWebhookBody(body, KEY) } }, deps)).toMatchObject({
      kind: "accepted",
    });
    expect(await queuedFor(scanRef)).toHaveLength(1);
  });

  it("is unavailable (503, Mark ID resends) when the queue refuses the delivery", async () => {
    const deps = flowDependencies();
    const { body, headers } = delivery();
    const scanRef = (JSON.parse(body) as { scanRef: string }).scanRef;
    stack().aws.faults.inject({ service: "sqs", operation: "SendMessage", error: "internal" });

    expect(await run({ body, headers }, deps)).toMatchObject({
      kind: "unavailable",
      reason: "queue-send-failed",
      handled: { kind: "accepted", delivery: { scanRef } },
      error: { service: "sqs", operation: "SendMessage" },
    });
    stack().aws.faults.clear();
    expect(await queuedFor(scanRef)).toEqual([]);
  });
});

describe("signature mismatch", () => {
  it("re-reads the key for a well-formed wrong signature, at most once per interval", async () => {
    const deps = flowDependencies();
    const { body } = delivery();
    const wrong = { [HEADER]: signWebhookBody(body, "not-the-key") };
    await run(delivery(), deps); // warm the cache
    const reads = () => stack().aws.calls("secretsmanager", "GetSecretValue");
    const before = reads();

    expect(await run({ body, headers: wrong }, deps)).toEqual({
      kind: "rejected",
      reason: "signature-mismatch",
      keyRefreshed: true,
    });
    expect(await run({ body, headers: wrong }, deps)).toEqual({
      kind: "rejected",
      reason: "signature-mismatch",
      keyRefreshed: false,
    });
    expect(reads() - before).toBe(1);
  });

  it("does not re-read the key for a header that is not a signature at all", async () => {
    const deps = flowDependencies();
    await run(delivery(), deps);
    const before = stack().aws.calls("secretsmanager", "GetSecretValue");
    const { body } = delivery();

    expect(await run({ body, headers: { [HEADER]: "sha256=garbage" } }, deps)).toMatchObject({
      reason: "signature-mismatch",
      keyRefreshed: false,
    });
    expect(stack().aws.calls("secretsmanager", "GetSecretValue")).toBe(before);
  });

  it("is unavailable (not refused) when the re-read fails: the key may have rotated", async () => {
    const deps = flowDependencies();
    await run(delivery(), deps);
    stack().aws.faults.inject({ service: "secretsmanager", operation: "GetSecretValue", error: "internal" });
    const { body } = delivery();

    expect(await run({ body, headers: { [HEADER]: signWebhookBody(body, "rotated") } }, deps)).toMatchObject({
      kind: "unavailable",
      reason: "signing-key-unavailable",
      error: { service: "secretsmanager", retryable: true },
    });
  });

  it("names the missing fields of a signed payload, not their values", async () => {
    const deps = flowDependencies();
    const body = JSON.stringify({ status: {}, data: { docNumber: "SECRET-1" } });
    expect(await run({ body, headers: { [HEADER]: signWebhookBody(body, KEY) } }, deps)).toEqual({
      kind: "rejected",
      reason: "invalid-payload",
      fields: ["scanRef", "clientId", "status.overall"],
    });
  });
});

describe("property: never throws, never accepts a body its signature does not match", () => {
  const jsonResult = fc
    .record(
      {
        scanRef: fc.string({ minLength: 1, maxLength: 20 }),
        clientId: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()),
        final: fc.oneof(fc.boolean(), fc.constant("yes")),
        status: fc.record({ overall: fc.string({ maxLength: 10 }) }, { requiredKeys: [] }),
        data: fc.jsonValue(),
      },
      { requiredKeys: [] },
    )
    .map((value) => Buffer.from(JSON.stringify(value)));
  const validResult = fc
    .record({
      scanRef: fc.string({ minLength: 1, maxLength: 20 }),
      clientId: fc.string({ minLength: 1, maxLength: 10 }),
      final: fc.boolean(),
      status: fc.record({ overall: fc.constantFrom("APPROVED", "DENIED", "SUSPECTED") }),
    })
    .map((value) => Buffer.from(JSON.stringify(value)));
  const bodies = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    fc.string({ maxLength: 300 }).map((text) => Buffer.from(text)),
    jsonResult,
    validResult,
    fc.constant(PEER_BODY),
  );
  const signatureFor = (body: Buffer) =>
    fc.oneof(
      fc.constant(signWebhookBody(body, KEY)),
      fc.constant(signWebhookBody(body, KEY).toUpperCase()),
      fc.constant(signWebhookBody(body, "another-key")),
      fc.constant(signWebhookBody(Buffer.concat([body, Buffer.from(" ")]), KEY)),
      fc.stringMatching(/^[0-9a-f]{64}$/),
      fc.string({ maxLength: 80 }),
      fc.constant(undefined),
    );
  const headerName = fc.constantFrom(HEADER, HEADER.toLowerCase(), HEADER.toUpperCase(), "X-Signature");
  const request = bodies.chain((body) =>
    fc.record({
      body: fc.constant(body),
      base64: fc.boolean(),
      name: headerName,
      signature: signatureFor(body),
      extra: fc.dictionary(
        fc.string({ maxLength: 20 }),
        fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      ),
    }),
  );

  it("holds for arbitrary bodies and headers", async () => {
    const deps = flowDependencies();
    let handled = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ body, base64, name, signature, extra }) => {
        const headers: Record<string, string | undefined> = { ...extra };
        if (signature !== undefined) headers[name] = signature;
        const outcome = await run(
          {
            body: base64 ? body.toString("base64") : body.toString("utf8"),
            isBase64Encoded: base64,
            headers,
          },
          deps,
        );
        if (outcome.kind === "accepted") {
          handled += 1;
          // The bytes the flow verified: what a text body decodes to, or the base64 body's bytes.
          const signedBytes = base64 ? body : Buffer.from(body.toString("utf8"), "utf8");
          const presented = Object.entries(headers)
            .filter(([key, value]) => key.toLowerCase() === HEADER.toLowerCase() && value !== undefined)
            .map(([, value]) => value!);
          expect(presented.some((value) => verifyWebhookSignature(signedBytes, value, KEY))).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
    // Not vacuous: correctly signed results were accepted along the way.
    expect(handled).toBeGreaterThan(0);
  });
});
