import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import type { SQSEvent, SQSRecord, ScheduledEvent } from "aws-lambda";
import { readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCheckCredentialsHandler } from "../../functions/check-credentials";
import { createHandler } from "../../functions/start-verification";
import { RETURN_MARGIN_MS } from "../../lib/observability/invocation-cutoff";
import { createVerificationWebhookHandler } from "../../functions/verification-webhook";
import { createAwsClients } from "../../lib/aws/clients";
import { createNotifier } from "../../lib/aws/notifier";
import { signWebhookBody } from "../../lib/markid/webhook-signature";
import { ALERT_TYPES } from "../../lib/messages";
import type { Dependencies } from "../../lib/runtime/dependencies";
import { localAwsClientConfig } from "../../local/aws/index";
import { lambdaContext } from "../support/lambda-context";
import { useOutputCapture } from "../support/output-capture";
import { webhookEvent } from "../support/api-gateway-event";
import { STACK_SECRET, useStack } from "../support/stack";
import { sqsRecord as buildSqsRecord } from "../support/sqs-record";

/*
 * Deadlines (issue 6): with little time left in the invocation, each handler returns before
 * Lambda would stop it, and start-verification reports every record it did not finish in
 * batchItemFailures, so the queue redelivers it instead of losing it to a timed-out invocation.
 * Complements test/functions/start-verification.test.ts ("the deadline": nothing started with too
 * little time; a sequential batch stops starting records) with the cases where the time runs out
 * while Mark ID is slow, failing, or hanging. The simulator holds or fails the calls; the clock is
 * real (test/support/lambda-context.ts computes the remaining time from a real deadline).
 */

const stack = useStack();
useOutputCapture();

const SCHEDULE = JSON.parse(
  readFileSync(new URL("../../events/schedule-check-credentials.json", import.meta.url), "utf8"),
) as ScheduledEvent;
const TOKEN_PATH = "/api/v2/token";

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

function sqsRecord(body: string): SQSRecord {
  return buildSqsRecord(body, {
    messageId: unique("msg"),
    eventSourceARN: stack().resources.requestQueueArn,
    awsRegion: stack().aws.region,
  });
}

const records = (n: number) =>
  Array.from({ length: n }, () =>
    sqsRecord(JSON.stringify({ requestId: unique("req"), clientId: "deadline-client" })),
  );

const sessionRequestIds = () =>
  stack()
    .aws.sns.published(stack().resources.eventsTopicArn)
    .map((message) => JSON.parse(message.message) as Record<string, unknown>)
    .filter((event) => event["type"] === "verification.session-created")
    .map((event) => event["requestId"]);

const requestIdOf = (record: SQSRecord) => (JSON.parse(record.body) as { requestId: string }).requestId;

const tokenCalls = () =>
  stack()
    .simulator.control.requests()
    .filter((request) => request.path === TOKEN_PATH).length;

/** Invokes with a real deadline `remainingMs` away; how long the handler took and what it left. */
async function timed<T>(
  remainingMs: number,
  invoke: (context: ReturnType<typeof lambdaContext>) => Promise<T>,
) {
  const context = lambdaContext(remainingMs);
  const started = Date.now();
  const reply = await invoke(context);
  return { reply, tookMs: Date.now() - started, leftMs: context.getRemainingTimeInMillis() };
}

afterEach(async () => {
  const s = stack();
  s.simulator.control.clearFaults();
  s.aws.faults.clear();
  const deps = s.newContainer();
  for (const type of ALERT_TYPES) (await deps.alerter.clear(type, "test reset"))._unsafeUnwrap();
  s.aws.sns.clear();
  s.simulator.control.clearRequests();
});

describe("start-verification with little time left", () => {
  it("Mark ID hanging: the call is cut at the time left, the handler returns before the deadline, every record reported", async () => {
    stack().simulator.control.injectFault({
      fault: { type: "latency", ms: 20_000 },
      path: TOKEN_PATH,
      count: 20,
    });
    const deps = stack().newContainer({ env: { MARKID_TIMEOUT_MS: "1500", BATCH_CONCURRENCY: "5" } });
    const batch = records(5);
    // 1000 ms safety margin + 1500 ms call + 500 ms for the state calls: 3300 ms is enough to start.
    const { reply, leftMs } = await timed(3_300, (context) =>
      createHandler(() => deps)({ Records: batch } satisfies SQSEvent, context),
    );
    expect(reply.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(
      batch.map((record) => record.messageId).sort(),
    );
    expect(tokenCalls()).toBe(5);
    expect(sessionRequestIds()).toEqual([]);
    // The safety margin is what is left: the reply is out well before Lambda's timeout.
    expect(leftMs).toBeGreaterThan(500);
  });

  it("Mark ID failing on every call: the retries stop in time, the handler returns before the deadline", async () => {
    stack().simulator.control.injectFault({
      fault: { type: "identifier", identifier: "INTERNAL_ERROR", status: 500 },
      path: TOKEN_PATH,
      count: 100,
    });
    // Backoff far longer than the time left: only the first call and the retries that fit are made.
    const deps = stack().newContainer({
      env: {
        MARKID_TIMEOUT_MS: "1000",
        RETRY_MAX_ATTEMPTS: "10",
        RETRY_BASE_DELAY_MS: "600",
        RETRY_MAX_DELAY_MS: "5000",
      },
    });
    const batch = records(3);
    const { reply, leftMs } = await timed(4_000, (context) =>
      createHandler(() => deps, { random: () => 0.999 })({ Records: batch } satisfies SQSEvent, context),
    );
    expect(reply.batchItemFailures).toHaveLength(3);
    // 10 attempts would need 600 + 1200 + 2400 + … ms of backoff: far fewer calls were made.
    expect(tokenCalls()).toBeGreaterThanOrEqual(3);
    expect(tokenCalls()).toBeLessThan(3 * 10);
    expect(leftMs).toBeGreaterThan(500);
  });

  it("a slow Mark ID and more records than fit: the ones finished are acknowledged, the rest reported unstarted", async () => {
    stack().simulator.control.injectFault({
      fault: { type: "latency", ms: 700 },
      path: TOKEN_PATH,
      count: 100,
    });
    const deps = stack().newContainer({ env: { MARKID_TIMEOUT_MS: "2000", BATCH_CONCURRENCY: "2" } });
    const batch = records(10);
    const { reply, leftMs } = await timed(5_000, (context) =>
      createHandler(() => deps)({ Records: batch } satisfies SQSEvent, context),
    );
    const failed = new Set(reply.batchItemFailures.map((failure) => failure.itemIdentifier));
    const finished = batch.filter((record) => !failed.has(record.messageId));
    // Two at a time, 0.7 s each, and a record needs 3.5 s left to start: some, never all, finish.
    expect(finished.length).toBeGreaterThanOrEqual(2);
    expect(failed.size).toBeGreaterThanOrEqual(1);
    // Exactly the acknowledged records have their session published; the reported ones spent nothing.
    expect(sessionRequestIds().sort()).toEqual(finished.map(requestIdOf).sort());
    expect(tokenCalls()).toBe(finished.length);
    expect(leftMs).toBeGreaterThan(0);
  });
});

/** A loopback endpoint that accepts connections and never answers: an AWS service stalled. */
let blackHole: { readonly url: string; readonly server: Server; readonly sockets: Socket[] };
beforeAll(async () => {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  blackHole = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, sockets };
});
afterAll(async () => {
  for (const socket of blackHole.sockets) socket.destroy();
  await new Promise<void>((resolve) => blackHole.server.close(() => resolve()));
});

describe("an AWS service that stops answering", () => {
  it("fails the SDK call at the request timeout instead of waiting for ever", async () => {
    const clients = createAwsClients({
      ...localAwsClientConfig(blackHole.url, stack().aws.region),
      requestTimeoutMs: 300,
      maxAttempts: 1,
    });
    const started = Date.now();
    const outcome = await clients.dynamodb
      .send(new GetItemCommand({ TableName: "t", Key: { pk: { S: "x" } } }))
      .then(
        () => "answered",
        (error: unknown) => (error instanceof Error ? error.name : "rejected"),
      );
    expect(outcome).toBe("TimeoutError");
    expect(Date.now() - started).toBeLessThan(3_000);
    for (const client of [clients.dynamodb, clients.sns, clients.secretsManager]) client.destroy();
  });

  it("start-verification: DynamoDB stalled past the time left, the handler still returns before the deadline and reports the records", async () => {
    // SDK defaults (5 s request timeout, 3 attempts) against 3.3 s left: only the cutoff returns in time.
    const stalled = createAwsClients(localAwsClientConfig(blackHole.url, stack().aws.region));
    const deps = stack().newContainer({
      aws: { ...stack().clients, dynamodb: stalled.dynamodb },
      env: { MARKID_TIMEOUT_MS: "1500" },
    });
    const batch = records(3);
    const { reply, leftMs } = await timed(3_300, (context) =>
      createHandler(() => deps)({ Records: batch } satisfies SQSEvent, context),
    );
    expect(reply.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(
      batch.map((record) => record.messageId).sort(),
    );
    expect(leftMs).toBeGreaterThan(0);
    expect(leftMs).toBeLessThanOrEqual(RETURN_MARGIN_MS + 100);
    expect(tokenCalls()).toBe(0);
    stalled.dynamodb.destroy();
  });

  it("start-verification: records finished before a stall are acknowledged, the rest reported", async () => {
    // One record at a time; SNS stops answering from the third publish on.
    const stalled = createAwsClients(localAwsClientConfig(blackHole.url, stack().aws.region));
    const deps = stack().newContainer({ env: { MARKID_TIMEOUT_MS: "1500", BATCH_CONCURRENCY: "1" } });
    const stalledNotifier = createNotifier({
      client: stalled.sns,
      eventsTopicArn: stack().resources.eventsTopicArn,
      alertsTopicArn: stack().resources.alertsTopicArn,
    });
    let publishes = 0;
    const stalling: Dependencies = {
      ...deps,
      notifier: {
        ...deps.notifier,
        publishEvent: (event) => (++publishes <= 2 ? deps.notifier : stalledNotifier).publishEvent(event),
      },
    };
    const batch = records(5);
    const { reply, leftMs } = await timed(6_000, (context) =>
      createHandler(() => stalling)({ Records: batch } satisfies SQSEvent, context),
    );
    expect(reply.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
      batch.slice(2).map((record) => record.messageId),
    );
    expect(sessionRequestIds().sort()).toEqual(batch.slice(0, 2).map(requestIdOf).sort());
    // The third record's token was made and stored before the stall: its redelivery re-publishes it.
    expect(tokenCalls()).toBe(3);
    expect(leftMs).toBeGreaterThan(0);
    stalled.sns.destroy();
  });
});

describe("verification-webhook with little time left", () => {
  it("Secrets Manager stalled: 503 before the deadline (Mark ID resends), nothing published", async () => {
    const stalled = createAwsClients(localAwsClientConfig(blackHole.url, stack().aws.region));
    const deps = stack().newContainer({
      aws: { ...stack().clients, secretsManager: stalled.secretsManager },
    });
    const body = JSON.stringify({
      scanRef: unique("scan"),
      clientId: "c",
      final: true,
      status: { overall: "APPROVED" },
    });
    const signature = signWebhookBody(body, STACK_SECRET.webhookSigningKey);
    const { reply, leftMs } = await timed(2_000, (context) =>
      createVerificationWebhookHandler(() => deps)(
        webhookEvent(body, { "Idenfy-Signature": signature }),
        context,
      ),
    );
    expect(reply.statusCode).toBe(503);
    expect(leftMs).toBeGreaterThan(0);
    expect(stack().aws.sns.published(stack().resources.eventsTopicArn)).toEqual([]);
    stalled.secretsManager.destroy();
  });
});

describe("check-credentials with little time left", () => {
  it("Mark ID hanging on the probe: cut at the time left, unavailable, returns before the deadline", async () => {
    stack().simulator.control.injectFault({
      fault: { type: "latency", ms: 20_000 },
      path: "/api/v2/status",
      count: 10,
    });
    const deps = stack().newContainer({ env: { MARKID_TIMEOUT_MS: "10000" } });
    const { reply, leftMs } = await timed(2_500, (context) =>
      createCheckCredentialsHandler(() => deps)(SCHEDULE, context),
    );
    expect(reply).toMatchObject({ outcome: "unavailable", attempts: 1 });
    expect(reply.detail).toMatch(/^deadline/);
    expect(leftMs).toBeGreaterThan(500);
  });
});
