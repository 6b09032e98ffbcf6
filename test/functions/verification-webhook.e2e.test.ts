import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as publisher } from "../../functions/publish-verification-result";
import { handler } from "../../functions/verification-webhook";
import { callEndpoint } from "../../lib/markid/endpoint";
import { tokenEndpoint } from "../../lib/markid/endpoints";
import type { VerificationCompletedEvent } from "../../lib/messages";
import { webhookEvent } from "../support/api-gateway-event";
import { lambdaContext } from "../support/lambda-context";
import { useOutputCapture } from "../support/output-capture";
import { publishQueuedResults, redeliveringPublisher } from "../support/results-queue";
import { STACK_SECRET, useHandlerEnvironment, useStack } from "../support/stack";

/*
 * End to end: the simulator creates a dummy verification and POSTs its signed result webhook to a
 * tiny HTTP server standing in for API Gateway, which turns it into a payload v2 event for the
 * exported `handler` — configured from the environment exactly as in Lambda (real SDK clients
 * through AWS_ENDPOINT_URL), not from injected dependencies. The webhook puts the delivery on the
 * results queue; the exported publish-verification-result handler, configured the same way, is
 * then run over the queue (publishQueuedResults, as Lambda's event source would) and publishes to SNS.
 */

const stack = useStack();
const logs = useOutputCapture();
const CLIENT_ID = "e2e-client-Q7731";

useHandlerEnvironment(stack, { STAGE: "e2e" });

let gateway: Server;

beforeAll(async () => {
  gateway = createServer((request, response) => {
    void readBody(request)
      .then(async (body) => {
        const headers = Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join(",") : (value ?? ""),
          ]),
        );
        const reply = await handler(
          webhookEvent(body, headers),
          lambdaContext(10_000, "verificationWebhook"),
        );
        response.writeHead(reply.statusCode ?? 200, reply.headers as Record<string, string>);
        response.end(reply.body ?? "");
      })
      .catch(() => {
        // As API Gateway does when the function fails.
        response.writeHead(500, { "content-type": "application/json" });
        response.end('{"message":"Internal Server Error"}');
      });
  });
  await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
  const { port } = gateway.address() as AddressInfo;
  stack().simulator.control.setWebhookUrl(`http://127.0.0.1:${port}/markid/webhook`);
});

afterAll(async () => {
  await new Promise<void>((resolve) => gateway.close(() => resolve()));
});

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function dummyVerification(externalRef: string): Promise<string> {
  const token = await callEndpoint(stack().newContainer().markIdTransport, tokenEndpoint, {
    clientId: CLIENT_ID,
    dummyStatus: "APPROVED",
    externalRef,
  });
  await stack().simulator.control.flushWebhooks();
  return token._unsafeUnwrap().scanRef;
}

/** Lambda's event source over the results queue, with the exported publisher. */
const publishQueued = () => publishQueuedResults(stack(), { handler: publisher });

function eventsFor(scanRef: string): VerificationCompletedEvent[] {
  return stack()
    .aws.sns.published(stack().resources.eventsTopicArn)
    .map((message) => JSON.parse(message.message) as VerificationCompletedEvent)
    .filter((event) => event.type === "verification.completed" && event.scanRef === scanRef);
}

const deliveriesFor = (scanRef: string) =>
  stack()
    .simulator.control.webhooks()
    .filter((delivery) => delivery.body.includes(scanRef));

describe("Mark ID → webhook → results queue → publisher → SNS", () => {
  it("publishes the dummy result the simulator sends, and answers it 200", async () => {
    const scanRef = await dummyVerification("order-e2e-1");

    expect(deliveriesFor(scanRef).map((delivery) => delivery.status)).toEqual([200]);
    expect(eventsFor(scanRef)).toEqual([]); // on the results queue, not yet published
    await publishQueued();
    const [event, ...more] = eventsFor(scanRef);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      type: "verification.completed",
      scanRef,
      clientId: CLIENT_ID,
      externalRef: "order-e2e-1",
      final: false,
      overall: "APPROVED",
      source: "webhook",
      sequence: 1,
    });
  });

  it("accepts the result at once while SNS fails, and publishes it once SNS recovers", async () => {
    await publishQueued(); // nothing of earlier tests in the rounds below
    const redelivering = redeliveringPublisher(stack(), publisher);
    stack().aws.faults.inject({ service: "sns", operation: "Publish", error: "internal" });
    const scanRef = await dummyVerification("order-e2e-2");

    // SNS is not the webhook's business: no 503, so no resend needed.
    expect(deliveriesFor(scanRef).map((delivery) => delivery.status)).toEqual([200]);
    expect(await publishQueuedResults(stack(), { handler: redelivering.handler })).toEqual({
      received: 1,
      givenBack: 1,
    });
    expect(eventsFor(scanRef)).toEqual([]);

    stack().aws.faults.clear();
    await redelivering.visibilityTimeoutPasses();
    expect(await publishQueuedResults(stack(), { handler: redelivering.handler })).toEqual({
      received: 1,
      givenBack: 0,
    });
    // Exactly one event (the failed attempt's sequence number is skipped, not reused).
    expect(eventsFor(scanRef)).toMatchObject([{ scanRef, externalRef: "order-e2e-2", overall: "APPROVED" }]);
  });

  it("answers 503 when the results queue refuses the delivery, and Mark ID's resend is accepted", async () => {
    // Three failed SendMessage calls: the handler's SDK client tries three times, then gives up.
    stack().aws.faults.inject({ service: "sqs", operation: "SendMessage", error: "internal", count: 3 });
    const scanRef = await dummyVerification("order-e2e-3");

    expect(deliveriesFor(scanRef).map((delivery) => delivery.status)).toEqual([503, 200]);
    await publishQueued();
    expect(eventsFor(scanRef)).toMatchObject([{ scanRef, externalRef: "order-e2e-3" }]);
  });

  it("logs nothing of the payload, the publisher's lines included: no clientId, signature, key or data value", async () => {
    await publishQueued(); // anything still queued is published inside the captured output
    const output = logs();
    expect(output).toContain("webhook accepted");
    expect(output).toContain("verification.completed published");
    const deliveries = stack().simulator.control.webhooks();
    expect(deliveries.length).toBeGreaterThan(0);
    const dataValues = deliveries.flatMap((delivery) => {
      const payload = JSON.parse(delivery.body) as { data?: Record<string, unknown> };
      return leaves(payload.data).filter((value) => value.length >= 5);
    });
    expect(dataValues.length).toBeGreaterThan(0);
    const forbidden = [
      CLIENT_ID,
      STACK_SECRET.apiKey,
      STACK_SECRET.apiSecret,
      STACK_SECRET.webhookSigningKey,
      ...deliveries.map((delivery) => delivery.signature),
      ...dataValues,
    ];
    for (const value of forbidden) expect(output, `log contains ${value}`).not.toContain(value);
  });
});

function leaves(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(leaves);
  return [];
}
