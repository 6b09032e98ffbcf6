import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createVerificationWebhookHandler, type WebhookHandler } from "../../functions/verification-webhook";
import { signWebhookBody } from "../../lib/markid/webhook-signature";
import type { VerificationCompletedEvent } from "../../lib/messages";
import type { Dependencies } from "../../lib/runtime/dependencies";
import { webhookEvent } from "../support/api-gateway-event";
import { lambdaContext } from "../support/lambda-context";
import { publishQueuedResults, redeliveringPublisher } from "../support/results-queue";
import { useStack } from "../support/stack";
import { jsonLines, useOutputCapture } from "../support/output-capture";

/*
 * The webhook handler over real HTTP: local Secrets Manager and the results queue (SQS) through the
 * real SDK clients; what it queued is then run through publish-verification-result
 * (publishQueuedResults, as Lambda's event source would) to SNS and DynamoDB. The peer fixture
 * (signed by someone else with "TestingKey") is used byte for byte.
 */

const stack = useStack();
const logs = useOutputCapture();

const PEER_BODY = readFileSync(new URL("../fixtures/peer-webhook-go-idenfy.json", import.meta.url));
const PEER_KEY = "TestingKey";
const PEER_SIGNATURE = "e7386736c7f0e8ee293a7637a316d64f7193c3197c133576e3f72061100180e2";
const PEER_SECRET = {
  apiKey: "peer-api-key-5150",
  apiSecret: "peer-api-secret-5150",
  webhookSigningKey: PEER_KEY,
};

// Personal data and identifiers that must reach the event but never the log.
const CLIENT_ID = "client-ZQ81-private";
const FIRST_NAME = "ZELDINA-PRIVATE";
const DOC_NUMBER = "DOCNO-55510777";

let secretName = "";
let handle: WebhookHandler;
const seenSignatures: string[] = [];

beforeAll(() => {
  secretName = `markid/webhook-peer-${process.pid}`;
  stack().aws.secrets.put(secretName, JSON.stringify(PEER_SECRET));
  handle = handlerFor(container());
});

afterEach(() => {
  stack().aws.faults.clear();
});

/** A new container whose secret holds the peer's signing key. */
function container(env: Record<string, string> = {}): Dependencies {
  return stack().newContainer({ env: { MARKID_SECRET_ID: secretName, ...env } });
}

function handlerFor(deps: Dependencies): WebhookHandler {
  return createVerificationWebhookHandler(() => deps);
}

function result(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    clientId: CLIENT_ID,
    scanRef: `scan-${randomUUID()}`,
    externalRef: "order-1",
    final: true,
    status: {
      overall: "APPROVED",
      fraudTags: [],
      mismatchTags: [],
      autoDocument: "DOC_VALIDATED",
      autoFace: "FACE_MATCH",
      manualDocument: "",
      manualFace: "",
    },
    data: { docFirstName: FIRST_NAME, docNumber: DOC_NUMBER },
    ...overrides,
  });
}

function signed(body: string | Uint8Array, key = PEER_KEY): Record<string, string> {
  const signature = signWebhookBody(body, key);
  seenSignatures.push(signature);
  return { "Idenfy-Signature": signature };
}

function completedEvents(): VerificationCompletedEvent[] {
  return stack()
    .aws.sns.published(stack().resources.eventsTopicArn)
    .map((message) => JSON.parse(message.message) as VerificationCompletedEvent)
    .filter((event) => event.type === "verification.completed");
}

function eventsFor(scanRef: string): VerificationCompletedEvent[] {
  return completedEvents().filter((event) => event.scanRef === scanRef);
}

/** SendMessage calls the local SQS received: what the webhook tried to put on the results queue. */
const queueSends = () => stack().aws.calls("sqs", "SendMessage");

const scanRefOf = (body: string) => (JSON.parse(body) as { scanRef: string }).scanRef;

async function post(
  body: string | Uint8Array,
  headers: Record<string, string>,
  options: { base64?: boolean; keepHeaderCase?: boolean; handler?: WebhookHandler } = {},
) {
  const reply = await (options.handler ?? handle)(
    webhookEvent(body, headers, options),
    lambdaContext(10_000),
  );
  return { status: reply.statusCode, body: JSON.parse(reply.body ?? "null") as unknown };
}

describe("the peer fixture, as is", () => {
  it("is accepted with TestingKey and published as verification.completed with final false", async () => {
    const reply = await post(PEER_BODY, { "Idenfy-Signature": PEER_SIGNATURE });

    expect(reply).toEqual({ status: 200, body: { status: "accepted" } });
    expect(eventsFor("scan-ref")).toEqual([]); // queued, not yet published
    await publishQueuedResults(stack());
    const [event, ...more] = eventsFor("scan-ref");
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      type: "verification.completed",
      scanRef: "scan-ref",
      clientId: "123",
      externalRef: "external-ref",
      final: false,
      overall: "APPROVED",
      fraudTags: [],
      mismatchTags: [],
      autoDocument: "DOC_VALIDATED",
      autoFace: "FACE_MATCH",
      manualDocument: "DOC_VALIDATED",
      manualFace: "FACE_MATCH",
      source: "webhook",
      sequence: 1,
    });
    expect(Number.isNaN(Date.parse(event?.receivedAt ?? ""))).toBe(false);
    // Placeholder values elsewhere are kept, not refused.
    expect(event?.data).toMatchObject({ docFirstName: "FIRST-NAME-EXAMPLE", docExpiry: "YYYY-MM-DD" });
    const published = stack()
      .aws.sns.published(stack().resources.eventsTopicArn)
      .filter((message) => message.message.includes('"scanRef":"scan-ref"'));
    expect(published[0]?.messageAttributes.type).toMatchObject({ stringValue: "verification.completed" });
  });

  it("is accepted again when delivered again, and the publisher publishes no second event", async () => {
    const reply = await post(PEER_BODY, { "Idenfy-Signature": PEER_SIGNATURE });
    expect(reply).toEqual({ status: 200, body: { status: "accepted" } });
    await publishQueuedResults(stack());
    expect(eventsFor("scan-ref")).toHaveLength(1);
  });

  it("is the same delivery when API Gateway hands it over base64-encoded", async () => {
    const reply = await post(PEER_BODY, { "Idenfy-Signature": PEER_SIGNATURE }, { base64: true });
    expect(reply).toEqual({ status: 200, body: { status: "accepted" } });
    await publishQueuedResults(stack());
    expect(eventsFor("scan-ref")).toHaveLength(1);
  });

  it("is refused with 401 after any one byte changes, and nothing is queued or published", async () => {
    await publishQueuedResults(stack());
    const before = completedEvents().length;
    const sends = queueSends();
    for (const index of [0, 100, 1500, PEER_BODY.length - 2]) {
      const tampered = Buffer.from(PEER_BODY);
      tampered[index] = tampered[index]! ^ 0x01;
      expect(await post(tampered, { "Idenfy-Signature": PEER_SIGNATURE })).toEqual({
        status: 401,
        body: { error: "invalid signature" },
      });
    }
    expect(queueSends()).toBe(sends);
    await publishQueuedResults(stack());
    expect(completedEvents()).toHaveLength(before);
  });

  it("is refused with 401 when signed with another key", async () => {
    const other = handlerFor(stack().newContainer()); // the stack's secret: another signing key
    const reply = await post(PEER_BODY, { "Idenfy-Signature": PEER_SIGNATURE }, { handler: other });
    expect(reply.status).toBe(401);
  });
});

describe("signature header", () => {
  it("is found whatever its case", async () => {
    const body = result();
    const reply = await post(
      body,
      { "IDENFY-SIGNATURE": signWebhookBody(body, PEER_KEY) },
      { keepHeaderCase: true },
    );
    expect(reply).toEqual({ status: 200, body: { status: "accepted" } });
  });

  it("is the one MARKID_SIGNATURE_HEADER names", async () => {
    const custom = handlerFor(container({ MARKID_SIGNATURE_HEADER: "X-MarkId-Signature" }));
    const body = result();
    const signature = signWebhookBody(body, PEER_KEY);

    expect((await post(body, { "Idenfy-Signature": signature }, { handler: custom })).status).toBe(401);
    expect(await post(body, { "x-markid-signature": signature }, { handler: custom })).toEqual({
      status: 200,
      body: { status: "accepted" },
    });
  });

  it.each([
    ["missing", {}],
    ["empty", { "Idenfy-Signature": "" }],
    ["not hex", { "Idenfy-Signature": "not-a-signature" }],
    ["another body's", { "Idenfy-Signature": signWebhookBody("{}", PEER_KEY) }],
    ["another key's", { "Idenfy-Signature": signWebhookBody("x", "other-key") }],
  ])("%s → 401, nothing queued or published", async (_name, headers: Record<string, string>) => {
    const body = result();
    const sends = queueSends();
    expect(await post(body, headers)).toEqual({ status: 401, body: { error: "invalid signature" } });
    expect(queueSends()).toBe(sends);
    await publishQueuedResults(stack());
    expect(eventsFor(scanRefOf(body))).toEqual([]);
  });
});

describe("payload", () => {
  it("accepts a base64-encoded delivery of a new result", async () => {
    const body = result();
    expect(await post(body, signed(body), { base64: true })).toEqual({
      status: 200,
      body: { status: "accepted" },
    });
    await publishQueuedResults(stack());
    expect(eventsFor(scanRefOf(body))).toHaveLength(1);
  });

  it.each([
    ["malformed JSON", '{"scanRef": "scan-x", '],
    ["a JSON array", "[]"],
    ["no scanRef", result({ scanRef: undefined })],
    ["no clientId", result({ clientId: undefined })],
    ["no status.overall", result({ status: { fraudTags: [] } })],
  ])("%s, correctly signed → 400, nothing queued or published", async (_name, body) => {
    await publishQueuedResults(stack());
    const before = completedEvents().length;
    const sends = queueSends();
    expect(await post(body, signed(body))).toEqual({ status: 400, body: { error: "malformed payload" } });
    expect(queueSends()).toBe(sends);
    await publishQueuedResults(stack());
    expect(completedEvents()).toHaveLength(before);
  });

  it("refuses a body over 256 KB with 413, as text or base64, before reading the key", async () => {
    const big = `{"pad":"${"x".repeat(262_144)}"}`;
    const reads = stack().aws.calls("secretsmanager", "GetSecretValue");
    const sends = queueSends();
    expect(await post(big, signed(big))).toEqual({ status: 413, body: { error: "payload too large" } });
    expect(await post(big, signed(big), { base64: true })).toEqual({
      status: 413,
      body: { error: "payload too large" },
    });
    expect(stack().aws.calls("secretsmanager", "GetSecretValue")).toBe(reads);
    expect(queueSends()).toBe(sends);
  });

  it("queues a value SQS refuses raw (U+FFFF, U+FFFE) and publishes it as received", async () => {
    // JSON.stringify leaves these two as they are; SQS refuses a message body holding them.
    const body = result({ data: { docFirstName: "A\uffffB\ufffeC", docNumber: DOC_NUMBER } });
    expect(await post(body, signed(body))).toEqual({ status: 200, body: { status: "accepted" } });
    await publishQueuedResults(stack());
    expect(eventsFor(scanRefOf(body))).toMatchObject([{ data: { docFirstName: "A\uffffB\ufffeC" } }]);
  });

  it("accepts a body of exactly 256 KB", async () => {
    const base = result();
    const padding = 262_144 - Buffer.byteLength(base) - ',"pad":""'.length;
    const body = `${base.slice(0, -1)},"pad":"${"p".repeat(padding)}"}`;
    expect(Buffer.byteLength(body)).toBe(262_144);
    expect((await post(body, signed(body))).status).toBe(200);
  });
});

describe("failures of what records the result", () => {
  it("answers 503 when Secrets Manager cannot give the signing key, then 200 once it can", async () => {
    const fresh = handlerFor(container()); // nothing cached yet
    stack().aws.faults.inject({ service: "secretsmanager", operation: "GetSecretValue", error: "internal" });
    const body = result();
    const sends = queueSends();

    expect(await post(body, signed(body), { handler: fresh })).toEqual({
      status: 503,
      body: { error: "temporarily unavailable" },
    });
    expect(queueSends()).toBe(sends);

    stack().aws.faults.clear();
    expect((await post(body, signed(body), { handler: fresh })).body).toEqual({ status: "accepted" });
    await publishQueuedResults(stack());
    expect(eventsFor(scanRefOf(body))).toHaveLength(1);
  });

  it("answers 503 when the results queue refuses the delivery, and accepts its resend", async () => {
    const body = result();
    stack().aws.faults.inject({ service: "sqs", operation: "SendMessage", error: "internal" });

    expect(await post(body, signed(body))).toEqual({
      status: 503,
      body: { error: "temporarily unavailable" },
    });
    await publishQueuedResults(stack());
    expect(eventsFor(scanRefOf(body))).toEqual([]);

    stack().aws.faults.clear();
    expect(await post(body, signed(body))).toEqual({ status: 200, body: { status: "accepted" } });
    await publishQueuedResults(stack());
    expect(eventsFor(scanRefOf(body))).toHaveLength(1);
  });

  it("accepts at once while SNS fails; the publisher gives the record back and publishes it once SNS recovers", async () => {
    await publishQueuedResults(stack()); // what earlier tests left queued, so the rounds below are this test's
    const publisher = redeliveringPublisher(stack());
    const body = result();
    const scanRef = scanRefOf(body);
    stack().aws.faults.inject({ service: "sns", operation: "Publish", error: "internal" });

    expect(await post(body, signed(body))).toEqual({ status: 200, body: { status: "accepted" } });
    expect(await publishQueuedResults(stack(), { handler: publisher.handler })).toEqual({
      received: 1,
      givenBack: 1,
    });
    expect(eventsFor(scanRef)).toEqual([]);

    stack().aws.faults.clear();
    await publisher.visibilityTimeoutPasses();
    expect(await publishQueuedResults(stack(), { handler: publisher.handler })).toEqual({
      received: 1,
      givenBack: 0,
    });
    expect(eventsFor(scanRef)).toHaveLength(1);

    // A later copy of the same result is accepted too, and is not published again.
    expect(await post(body, signed(body))).toEqual({ status: 200, body: { status: "accepted" } });
    await publishQueuedResults(stack(), { handler: publisher.handler });
    expect(eventsFor(scanRef)).toHaveLength(1);
  });
});

describe("signing-key rotation", () => {
  it("accepts the new key's signature after the re-read a mismatch triggers", async () => {
    const rotating = `markid/webhook-rotation-${process.pid}`;
    stack().aws.secrets.put(
      rotating,
      JSON.stringify({ ...PEER_SECRET, webhookSigningKey: "signing-key-before" }),
    );
    const deps = stack().newContainer({ env: { MARKID_SECRET_ID: rotating } });
    const rotated = handlerFor(deps);

    const first = result();
    expect((await post(first, signed(first, "signing-key-before"), { handler: rotated })).status).toBe(200);

    await stack().clients.secretsManager.send(
      new PutSecretValueCommand({
        SecretId: rotating,
        SecretString: JSON.stringify({ ...PEER_SECRET, webhookSigningKey: "signing-key-after" }),
      }),
    );
    const reads = stack().aws.calls("secretsmanager", "GetSecretValue");
    const second = result();
    expect(await post(second, signed(second, "signing-key-after"), { handler: rotated })).toEqual({
      status: 200,
      body: { status: "accepted" },
    });
    expect(stack().aws.calls("secretsmanager", "GetSecretValue") - reads).toBe(1);

    // The re-read is now cached: the next new-key delivery costs no read, an old-key one is refused.
    const third = result();
    expect((await post(third, signed(third, "signing-key-after"), { handler: rotated })).status).toBe(200);
    const stale = result();
    expect((await post(stale, signed(stale, "signing-key-before"), { handler: rotated })).status).toBe(401);
    expect(stack().aws.calls("secretsmanager", "GetSecretValue") - reads).toBe(1);
  });
});

describe("what the handler logs", () => {
  it("carries the API Gateway request id as correlation id, and the outcome's metrics", async () => {
    const body = result();
    const scanRef = scanRefOf(body);
    await handle(webhookEvent(body, signed(body), { requestId: "apigw-correlation-42" }), lambdaContext());

    const lines = jsonLines(logs());
    const accepted = lines.find((line) => line.scanRef === scanRef && line.level === "INFO");
    expect(accepted).toMatchObject({
      correlation_id: "apigw-correlation-42",
      final: true,
      overall: "APPROVED",
    });
    expect(lines.some((line) => "WebhookAccepted" in line)).toBe(true);
    expect(lines.some((line) => "WebhookRejected" in line && line.reason === "signature-mismatch")).toBe(
      true,
    );
    // WARN lines go to stderr: captured as well, with the field paths of a refused payload.
    expect(lines).toContainEqual(
      expect.objectContaining({ level: "WARN", reason: "invalid-payload", fields: ["scanRef"] }),
    );
  });

  it("never contains a key, a signature, a clientId or a data value, the publisher's lines included", async () => {
    await publishQueuedResults(stack()); // what is still queued, inside the captured output
    const output = logs();
    expect(output).toContain("webhook accepted");
    expect(output).toContain("verification.completed published");
    expect(output).toContain("result already published: duplicate acknowledged");
    const forbidden = [
      PEER_KEY,
      "signing-key-before",
      "signing-key-after",
      PEER_SECRET.apiKey,
      PEER_SECRET.apiSecret,
      PEER_SIGNATURE,
      ...seenSignatures,
      CLIENT_ID,
      FIRST_NAME,
      DOC_NUMBER,
      "FIRST-NAME-EXAMPLE",
      "LAST-NAME-EXAMPLE",
      "XXXXXXXXX",
      "ADDRESS EXAMPLE",
      "external-ref",
    ];
    for (const value of forbidden) expect(output, `log contains ${value}`).not.toContain(value);
  });
});
