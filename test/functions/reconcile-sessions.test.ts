import type { ScheduledEvent } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { createReconcileSessionsHandler, handler } from "../../functions/reconcile-sessions";
import { createHandler as createStartVerificationHandler } from "../../functions/start-verification";
import { callEndpoint } from "../../lib/markid/endpoint";
import { tokenEndpoint } from "../../lib/markid/endpoints";
import { DELETE_PATH, STATUS_PATH, TOKEN_PATH } from "../../lib/markid/paths";
import { parseQueuedDelivery } from "../../lib/result-delivery";
import type { DependencyOverrides } from "../../lib/runtime/dependencies";
import { lambdaContext } from "../support/lambda-context";
import { jsonLines, useOutputCapture } from "../support/output-capture";
import { publishQueuedResults } from "../support/results-queue";
import { sqsRecord } from "../support/sqs-record";
import { resetStack, useHandlerEnvironment, useStack } from "../support/stack";

/*
 * The scheduled reconciler over the Mark ID simulator and the local AWS stack (DynamoDB with the
 * open-sessions index, SQS for the results queue), real HTTP and SDK clients, between the
 * functions on either side of it: start-verification tracks the sessions it creates, the
 * publisher publishes what the reconciler queues and closes those sessions. Each due session is
 * asked about once per run, a finished one never. The run's decisions are tested branch by branch
 * in test/flows/reconcile-sessions.test.ts.
 */

const stack = useStack();
const logs = useOutputCapture();

const SCHEDULE: ScheduledEvent = {
  version: "0",
  id: "reconcile-run-0001",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "123456789012",
  time: "2030-01-01T00:00:00Z",
  region: "eu-west-1",
  resources: ["arn:aws:events:eu-west-1:123456789012:rule/reconcile-sessions"],
  detail: {},
};
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** The simulator's default token lifetime (expiryTime). */
const TOKEN_LIFETIME_MS = DAY_MS;

let sequence = 0;
const unique = (name: string) => `${name}-${process.pid}-${++sequence}`;
/** A clientId no log line may carry. */
const personOf = (requestId: string) => `person-${requestId}`;

useHandlerEnvironment(stack, { STAGE: "functions-test", MARKID_RATE_LIMIT_PER_HOUR: "3600000" });

afterEach(() => resetStack(stack()));

/** Sessions made the deployed way: start-verification creates and tracks them. Returns their scanRefs. */
async function startSessions(
  requests: readonly { readonly requestId: string; readonly [field: string]: unknown }[],
): Promise<string[]> {
  const records = requests.map((request) =>
    sqsRecord(JSON.stringify({ clientId: personOf(request.requestId), ...request }), {
      messageId: unique("msg"),
      eventSourceARN: stack().resources.requestQueueArn,
      awsRegion: stack().aws.region,
    }),
  );
  const reply = await createStartVerificationHandler(() => stack().newContainer())(
    { Records: records },
    lambdaContext(),
  );
  expect(reply.batchItemFailures).toEqual([]);
  const created = new Map(
    stack()
      .aws.sns.published(stack().resources.eventsTopicArn)
      .map((message) => JSON.parse(message.message) as Record<string, string>)
      .filter((event) => event["type"] === "verification.session-created")
      .map((event) => [event["requestId"], event["scanRef"]]),
  );
  return requests.map((request) => created.get(request.requestId)!);
}

/** The reconciler of a container whose clock reads `offsetMs` ahead: the simulator's tokens stay as they are. */
const reconcilerAt = (
  offsetMs: number,
  overrides: DependencyOverrides & { readonly env?: Record<string, string> } = {},
) =>
  createReconcileSessionsHandler(() =>
    stack().newContainer({ now: () => Date.now() + offsetMs, ...overrides }),
  );

const statusCalls = () =>
  stack()
    .simulator.control.requests()
    .filter((request) => request.path === STATUS_PATH)
    .map((request) => (JSON.parse(request.body) as { scanRef: string }).scanRef);
const tokenCalls = () =>
  stack()
    .simulator.control.requests()
    .filter((request) => request.path === TOKEN_PATH);
const queued = () =>
  stack()
    .aws.sqs.messages(stack().resources.resultsQueueUrl)
    .map((message) => parseQueuedDelivery(message.body)._unsafeUnwrap().event);
const completedEvents = () =>
  stack()
    .aws.sns.published(stack().resources.eventsTopicArn)
    .map((message) => JSON.parse(message.message) as Record<string, unknown>)
    .filter((event) => event["type"] === "verification.completed");

describe("runs over the sessions start-verification tracked", () => {
  it("ask about each due session once, queue the final ones, never ask about a finished one, and give up in time", async () => {
    const ids = {
      approved: unique("approved"),
      active: unique("active"),
      expired: unique("expired"),
      finished: unique("finished"),
      later: unique("later"),
    };
    const [approved, active, expired, finished, later] = await startSessions([
      { requestId: ids.approved, dummyStatus: "APPROVED" },
      { requestId: ids.active },
      { requestId: ids.expired },
      { requestId: ids.finished },
      // Its token lives two days: not due when the others are.
      { requestId: ids.later, expiryTime: 2 * 86_400 },
    ]);
    stack().simulator.control.expire(expired!);
    // Its final result came by webhook: the publisher closed it.
    (
      await stack().newContainer().sequence.next(finished!, { retentionSeconds: 86_400, final: true })
    )._unsafeUnwrap();
    stack().simulator.control.clearRequests();

    // 16 minutes after the tokens expired: RECONCILE_AFTER_SECONDS (15 minutes) has passed.
    const afterExpiry = TOKEN_LIFETIME_MS + 16 * MINUTE_MS;
    const summary = await reconcilerAt(afterExpiry)(SCHEDULE, lambdaContext(30_000));

    expect(summary).toEqual({ due: 3, asked: 3, final: 2, inProgress: 1, gaveUp: 0, skipped: 0, failed: 0 });
    expect(statusCalls().sort()).toEqual([approved, active, expired].sort());
    expect(tokenCalls()).toEqual([]);
    expect(queued()).toHaveLength(2);
    expect(queued()).toContainEqual(
      expect.objectContaining({
        type: "verification.completed",
        scanRef: approved,
        requestId: ids.approved,
        clientId: personOf(ids.approved),
        final: true,
        overall: "APPROVED",
        autoFace: "FACE_MATCH",
        externalRef: null,
        data: null,
        source: "reconciliation",
      }),
    );
    expect(queued()).toContainEqual(
      expect.objectContaining({ scanRef: expired, requestId: ids.expired, overall: "EXPIRED", final: true }),
    );

    // The publisher publishes both and closes their sessions.
    expect(await publishQueuedResults(stack())).toEqual({ received: 2, givenBack: 0 });
    expect(completedEvents()).toHaveLength(2);
    expect(completedEvents()).toContainEqual(
      expect.objectContaining({ scanRef: approved, source: "reconciliation", sequence: 1 }),
    );

    // The next scheduled run at the same time: every session was rescheduled by its claim.
    stack().simulator.control.clearRequests();
    expect(await reconcilerAt(afterExpiry)(SCHEDULE, lambdaContext(30_000))).toMatchObject({
      due: 0,
      asked: 0,
    });

    // Half an hour on: only the session in progress is due again; the closed ones never are.
    expect(await reconcilerAt(afterExpiry + 30 * MINUTE_MS)(SCHEDULE, lambdaContext(30_000))).toMatchObject({
      due: 1,
      asked: 1,
      inProgress: 1,
    });
    expect(statusCalls()).toEqual([active]);

    // Seven days after its token expired, the session still in progress is given up; the one whose
    // token expired a day later is asked about and stays.
    stack().simulator.control.clearRequests();
    const giveUp = await reconcilerAt(TOKEN_LIFETIME_MS + 7 * DAY_MS + MINUTE_MS)(
      SCHEDULE,
      lambdaContext(30_000),
    );
    expect(giveUp).toMatchObject({ due: 2, asked: 2, gaveUp: 1, inProgress: 1 });
    expect(statusCalls().sort()).toEqual([active, later].sort());
    expect(
      await reconcilerAt(TOKEN_LIFETIME_MS + 30 * DAY_MS)(SCHEDULE, lambdaContext(30_000)),
    ).toMatchObject({
      due: 1,
    });
    expect(statusCalls()).not.toContain(finished);

    // Logged with the schedule's id as correlation id and counted; no clientId in the output.
    const lines = jsonLines(logs());
    expect(lines).toContainEqual(
      expect.objectContaining({ message: "reconcile: run finished", correlation_id: SCHEDULE.id, summary }),
    );
    expect(lines.some((line) => "ReconcileStatusCalls" in line)).toBe(true);
    expect(lines.some((line) => "SessionsGivenUp" in line)).toBe(true);
    for (const requestId of Object.values(ids)) expect(logs()).not.toContain(personOf(requestId));
  });

  it("Mark ID unavailable: the run stops early, and the session it reached is asked again when next due", async () => {
    const [scanRef] = await startSessions([{ requestId: unique("outage") }]);
    const afterExpiry = TOKEN_LIFETIME_MS + 16 * MINUTE_MS;
    stack().simulator.control.clearRequests();
    stack().simulator.control.injectFault({ fault: { type: "html-5xx", status: 503 }, fraction: 1 });

    const summary = await reconcilerAt(afterExpiry)(SCHEDULE, lambdaContext(30_000));
    expect(summary).toMatchObject({ asked: 1, failed: 1, stoppedEarly: "unavailable" });
    expect(new Set(statusCalls())).toEqual(new Set([scanRef]));
    expect(queued()).toEqual([]);

    stack().simulator.control.clearFaults();
    stack().simulator.control.clearRequests();
    const recovered = await reconcilerAt(afterExpiry + 30 * MINUTE_MS)(SCHEDULE, lambdaContext(30_000));
    expect(recovered).toMatchObject({ asked: 1, inProgress: 1 });
    expect(statusCalls()).toContain(scanRef);
  });
});

describe("retention at Mark ID (MARKID_RETENTION_SECONDS)", () => {
  const RETENTION_SECONDS = 3600;
  const retention = { env: { MARKID_RETENTION_SECONDS: String(RETENTION_SECONDS) } };
  const deleteCalls = () =>
    stack()
      .simulator.control.requests()
      .filter((request) => request.path === DELETE_PATH)
      .map((request) => (JSON.parse(request.body) as { scanRef: string }).scanRef);
  const deletedEvents = () =>
    stack()
      .aws.sns.published(stack().resources.eventsTopicArn)
      .map((message) => JSON.parse(message.message) as Record<string, unknown>)
      .filter((event) => event["type"] === "verification.deleted");

  it("deletes a finished session's data once the retention has passed, waiting out 'Token has not expired yet' and an outage", async () => {
    const requestId = unique("retained");
    const [scanRef] = await startSessions([{ requestId, dummyStatus: "APPROVED" }]);
    // Its final result came by webhook at once: the publisher (retention on) queued the deletion.
    (
      await stack()
        .newContainer(retention)
        .sequence.next(scanRef!, {
          retentionSeconds: 30 * 86_400,
          final: true,
          deleteAfterSeconds: RETENTION_SECONDS,
        })
    )._unsafeUnwrap();
    stack().simulator.control.clearRequests();

    // Two hours on, the retention has passed, but the token (a day) has not expired at Mark ID.
    const early = await reconcilerAt(2 * HOUR_MS, retention)(SCHEDULE, lambdaContext(30_000));
    expect(early).toMatchObject({ due: 0, asked: 0 });
    expect(early.deletions).toEqual({ due: 1, deleted: 0, notYet: 1, skipped: 0, failed: 0, gaveUp: 0 });
    expect(deleteCalls()).toEqual([scanRef]);
    expect(deletedEvents()).toEqual([]);
    // Rescheduled past the token's expiry: not due again before then.
    expect(
      (await reconcilerAt(20 * HOUR_MS, retention)(SCHEDULE, lambdaContext(30_000))).deletions,
    ).toMatchObject({ due: 0 });

    // The token has expired; Mark ID is down: the run stops, nothing is published.
    stack().simulator.control.expire(scanRef!);
    stack().simulator.control.injectFault({ fault: { type: "html-5xx", status: 503 }, fraction: 1 });
    const afterExpiry = TOKEN_LIFETIME_MS + 16 * MINUTE_MS;
    const outage = await reconcilerAt(afterExpiry, retention)(SCHEDULE, lambdaContext(30_000));
    expect(outage.deletions).toMatchObject({ due: 1, failed: 1, deleted: 0, stoppedEarly: "unavailable" });
    expect(deletedEvents()).toEqual([]);

    // Mark ID back, when the deletion is next due (two hours on: the backoff doubles).
    stack().simulator.control.clearFaults();
    stack().simulator.control.clearRequests();
    const done = await reconcilerAt(afterExpiry + 2 * HOUR_MS + MINUTE_MS, retention)(
      SCHEDULE,
      lambdaContext(30_000),
    );
    expect(done.deletions).toMatchObject({ due: 1, deleted: 1, failed: 0 });
    expect(deleteCalls()).toEqual([scanRef]);
    expect(deletedEvents()).toMatchObject([
      { type: "verification.deleted", scanRef, requestId, clientId: personOf(requestId) },
    ]);
    expect(Date.parse(String(deletedEvents()[0]?.["deletedAt"]))).toBeGreaterThan(0);
    // Mark ID no longer has the data; the deletion is done for good.
    expect(
      (await reconcilerAt(afterExpiry + 30 * DAY_MS, retention)(SCHEDULE, lambdaContext(30_000))).deletions,
    ).toMatchObject({ due: 0 });

    const lines = jsonLines(logs());
    expect(lines.some((line) => "VerificationDeleted" in line)).toBe(true);
    expect(logs()).not.toContain(personOf(requestId));
  });

  it("the whole way: a reconciled final result, published by the publisher's handler, is deleted a retention period later", async () => {
    const requestId = unique("whole-way");
    const [scanRef] = await startSessions([{ requestId, dummyStatus: "DENIED" }]);
    stack().simulator.control.expire(scanRef!);
    const afterExpiry = TOKEN_LIFETIME_MS + 16 * MINUTE_MS;
    expect(await reconcilerAt(afterExpiry, retention)(SCHEDULE, lambdaContext(30_000))).toMatchObject({
      final: 1,
      deletions: { due: 0 },
    });
    expect(await publishQueuedResults(stack(), { deps: stack().newContainer(retention) })).toEqual({
      received: 1,
      givenBack: 0,
    });
    stack().simulator.control.clearRequests();
    // The publisher's clock is the real one: the deletion is due an hour from now.
    const done = await reconcilerAt(RETENTION_SECONDS * 1000 + MINUTE_MS, retention)(
      SCHEDULE,
      lambdaContext(30_000),
    );
    expect(done.deletions).toMatchObject({ due: 1, deleted: 1 });
    expect(deleteCalls()).toEqual([scanRef]);
    expect(deletedEvents()).toMatchObject([{ scanRef, requestId }]);
  });

  it("off (the default): a run neither reads nor deletes anything queued", async () => {
    const [scanRef] = await startSessions([{ requestId: unique("kept"), dummyStatus: "APPROVED" }]);
    (
      await stack()
        .newContainer()
        .sequence.next(scanRef!, { retentionSeconds: 30 * 86_400, final: true, deleteAfterSeconds: 60 })
    )._unsafeUnwrap();
    stack().simulator.control.expire(scanRef!);
    stack().simulator.control.clearRequests();
    const summary = await reconcilerAt(2 * DAY_MS)(SCHEDULE, lambdaContext(30_000));
    expect(summary.deletions).toBeUndefined();
    expect(deleteCalls()).toEqual([]);
  });
});

describe("the exported handler, configured from the environment as in Lambda", () => {
  it("reconciles a due session through its own clients and returns the summary", async () => {
    // A session whose token expired an hour ago, tracked as start-verification tracks it.
    const requestId = unique("exported");
    const deps = stack().newContainer();
    const token = await callEndpoint(deps.markIdTransport, tokenEndpoint, {
      clientId: personOf(requestId),
      dummyStatus: "DENIED",
    });
    const { scanRef } = token._unsafeUnwrap();
    const tracked = await deps.openSessions.track(
      { scanRef, requestId, clientId: personOf(requestId), tokenExpiresAtMs: Date.now() - HOUR_MS },
      { reconcileAfterSeconds: 900, retentionSeconds: 30 * 86_400 },
    );
    tracked._unsafeUnwrap();
    stack().simulator.control.clearRequests();
    const before = queued().length;

    const summary = await handler(SCHEDULE, lambdaContext(30_000, "reconcileSessions"));

    expect(summary).toMatchObject({ asked: 1, final: 1, failed: 0 });
    expect(statusCalls()).toEqual([scanRef]);
    expect(queued().slice(before)).toMatchObject([
      { scanRef, requestId, overall: "DENIED", source: "reconciliation" },
    ]);
  });
});
