import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createVerificationWebhookHandler, type WebhookHandler } from "../../functions/verification-webhook";
import { signWebhookBody } from "../../lib/markid/webhook-signature";
import type { NotificationEvent, VerificationCompletedEvent } from "../../lib/messages";
import { webhookEvent } from "../support/api-gateway-event";
import { lambdaContext } from "../support/lambda-context";
import { jsonLines, useOutputCapture } from "../support/output-capture";
import { publishQueuedResults, redeliveringPublisher } from "../support/results-queue";
import { useStack } from "../support/stack";

/*
 * What the vendor's platforms send besides the result webhook this handler was first built for
 * (design.md §4.1, markid-api.md §7.2, §12): a result without `final` from an older platform, and
 * signed notifications that are not results. Neither is refused: a 4xx makes Mark ID resend forever.
 * The webhook queues them; publishQueuedResults runs publish-verification-result over the queue.
 */

const stack = useStack();
const logs = useOutputCapture();
const KEY = "notification-test-key";
const NOW = Date.parse("2026-12-03T12:00:00.000Z");
const D21_CALLBACK = readFileSync(
  new URL("../fixtures/vendor/webhook-idenfy-docs-2021.json", import.meta.url),
);

let handle: WebhookHandler;

beforeAll(() => {
  const secretName = `markid/webhook-notification-${process.pid}`;
  stack().aws.secrets.put(
    secretName,
    JSON.stringify({ apiKey: "a", apiSecret: "b", webhookSigningKey: KEY }),
  );
  const deps = stack().newContainer({ env: { MARKID_SECRET_ID: secretName }, now: () => NOW });
  handle = createVerificationWebhookHandler(() => deps);
});

afterEach(() => stack().aws.faults.clear());

async function post(body: string | Uint8Array, headers: Record<string, string> = {}) {
  const reply = await handle(
    webhookEvent(body, { "Idenfy-Signature": signWebhookBody(body, KEY), ...headers }),
    lambdaContext(10_000),
  );
  return { status: reply.statusCode, body: JSON.parse(reply.body ?? "null") as unknown };
}

function published<T>(type: string): T[] {
  return stack()
    .aws.sns.published(stack().resources.eventsTopicArn)
    .filter((message) => message.messageAttributes["type"]?.stringValue === type)
    .map((message) => JSON.parse(message.message) as T);
}

const notificationsFor = (scanRef: string) =>
  published<NotificationEvent>("markid.notification").filter((event) => event.scanRef === scanRef);

describe("a result without final (older platforms)", () => {
  it("iDenfy's documented 2021 callback → 200 and one verification.completed with final true", async () => {
    expect(await post(D21_CALLBACK)).toEqual({ status: 200, body: { status: "accepted" } });
    await publishQueuedResults(stack());
    const events = published<VerificationCompletedEvent>("verification.completed").filter(
      (event) => event.scanRef === "scan-ref",
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ final: true, overall: "APPROVED", clientId: "123" });
    // Its resend is accepted, and is a duplicate of the final result: not a second event.
    expect(await post(D21_CALLBACK)).toEqual({ status: 200, body: { status: "accepted" } });
    await publishQueuedResults(stack());
    expect(
      published<VerificationCompletedEvent>("verification.completed").filter(
        (event) => event.scanRef === "scan-ref",
      ),
    ).toHaveLength(1);
  });
});

describe("a signed object that is not a verification result", () => {
  it("a document-expiration notice (header sent) → 200, markid.notification with the header's kind", async () => {
    const scanRef = `scan-${randomUUID()}`;
    const payload = {
      scanRef,
      clientId: "client-77",
      expirationThreshold: "DOCUMENT_EXPIRES_WITHIN_30_DAYS",
      documentExpiration: "2027-01-02",
    };
    const body = JSON.stringify(payload);
    expect(await post(body, { "Idenfy-Event-Type": "DOCUMENT_EXPIRATION" })).toEqual({
      status: 200,
      body: { status: "accepted" },
    });
    await publishQueuedResults(stack());
    expect(notificationsFor(scanRef)).toEqual([
      {
        type: "markid.notification",
        kind: "document-expiration",
        scanRef,
        clientId: "client-77",
        receivedAt: new Date(NOW).toISOString(),
        payload,
      },
    ]);
    // Logged by kind and scanRef only, by the webhook and by the publisher: never the payload or the clientId.
    const lines = jsonLines(logs());
    expect(lines.find((entry) => entry["scanRef"] === scanRef)).toMatchObject({
      message: "webhook notification: queued",
      notificationKind: "document-expiration",
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: "markid.notification published",
        notificationKind: "document-expiration",
      }),
    );
    expect(logs()).not.toContain("client-77");
    expect(logs()).not.toContain("DOCUMENT_EXPIRES_WITHIN_30_DAYS");
  });

  it("without the header, the kind comes from the body's shape", async () => {
    const scanRef = `scan-${randomUUID()}`;
    const bodies = [
      { scanRef, expirationThreshold: "DOCUMENT_EXPIRED", documentExpiration: "2026-01-01" },
      { scanRef, monitoringId: "MX81K2Q9ZD", alert_status: "ALERT" },
      { scanRef, something: "new" },
    ];
    for (const body of bodies) {
      expect((await post(JSON.stringify(body))).status).toBe(200);
      await publishQueuedResults(stack()); // one at a time, so they are published in this order
    }
    expect(notificationsFor(scanRef).map((event) => event.kind)).toEqual([
      "document-expiration",
      "aml-monitoring",
      "unknown",
    ]);
  });

  it("a header naming another event wins over a body that looks like a result", async () => {
    const scanRef = `scan-${randomUUID()}`;
    const body = JSON.stringify({ scanRef, clientId: "c", status: { overall: "APPROVED" } });
    expect((await post(body, { "idenfy-event-type": "VIDEO_CALL_FINISHED" })).status).toBe(200);
    await publishQueuedResults(stack());
    expect(notificationsFor(scanRef).map((event) => event.kind)).toEqual(["video-call-finished"]);
    expect(
      published<VerificationCompletedEvent>("verification.completed").filter(
        (event) => event.scanRef === scanRef,
      ),
    ).toEqual([]);
  });

  it("an identification event type is still a result", async () => {
    const scanRef = `scan-${randomUUID()}`;
    const body = JSON.stringify({ scanRef, clientId: "c", status: { overall: "DENIED" } });
    expect((await post(body, { "Idenfy-Event-Type": "IDENTIFICATION_AUTO_FINISHED" })).status).toBe(200);
    await publishQueuedResults(stack());
    expect(notificationsFor(scanRef)).toEqual([]);
    expect(
      published<VerificationCompletedEvent>("verification.completed").filter(
        (event) => event.scanRef === scanRef,
      ),
    ).toMatchObject([{ overall: "DENIED", final: true }]);
  });

  it("is still refused unsigned, and answered 503 when it cannot be queued (Mark ID resends)", async () => {
    const scanRef = `scan-${randomUUID()}`;
    const body = JSON.stringify({ scanRef, expirationThreshold: "DOCUMENT_EXPIRED" });
    const unsigned = await handle(
      webhookEvent(body, { "Idenfy-Event-Type": "DOCUMENT_EXPIRATION" }),
      lambdaContext(10_000),
    );
    expect(unsigned.statusCode).toBe(401);
    stack().aws.faults.inject({ service: "sqs", operation: "SendMessage", error: "internal" });
    expect((await post(body)).status).toBe(503);
    await publishQueuedResults(stack());
    expect(notificationsFor(scanRef)).toEqual([]);

    stack().aws.faults.clear();
    expect((await post(body)).status).toBe(200);
    await publishQueuedResults(stack());
    expect(notificationsFor(scanRef).map((event) => event.kind)).toEqual(["document-expiration"]);
  });

  it("is accepted while SNS fails, given back by the publisher, and published once SNS recovers", async () => {
    await publishQueuedResults(stack()); // nothing of earlier tests in the rounds below
    const publisher = redeliveringPublisher(stack());
    const scanRef = `scan-${randomUUID()}`;
    const body = JSON.stringify({ scanRef, monitoringId: "MX81K2Q9ZD", alert_status: "ALERT" });
    stack().aws.faults.inject({ service: "sns", operation: "Publish", error: "internal" });

    expect(await post(body)).toEqual({ status: 200, body: { status: "accepted" } });
    expect(await publishQueuedResults(stack(), { handler: publisher.handler })).toEqual({
      received: 1,
      givenBack: 1,
    });
    expect(notificationsFor(scanRef)).toEqual([]);

    stack().aws.faults.clear();
    await publisher.visibilityTimeoutPasses();
    await publishQueuedResults(stack(), { handler: publisher.handler });
    expect(notificationsFor(scanRef).map((event) => event.kind)).toEqual(["aml-monitoring"]);
  });
});
