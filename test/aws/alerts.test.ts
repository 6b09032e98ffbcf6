import { PublishCommand, SNSClient, SNSServiceException } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createAlertStateStore } from "../../lib/aws/alert-state";
import { createAlerter, DEFAULT_ALERT_SEVERITY } from "../../lib/aws/alerts";
import { createNotifier } from "../../lib/aws/notifier";
import { createStateTable } from "../../lib/aws/state-table";
import type { AlertMessage } from "../../lib/messages";
import { useDynalite } from "./support/dynalite";

const sns = mockClient(SNSClient);
const dynamo = useDynalite();
afterAll(() => {
  sns.restore();
});
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: "m" });
});

const T0 = Date.parse("2030-01-01T00:00:00Z");
const WINDOW = 3600;
const ALERTS = "arn:aws:sns:eu-west-1:000000000000:alerts";
const snsDown = new SNSServiceException({
  name: "InternalErrorException",
  $fault: "server",
  $metadata: { httpStatusCode: 500 },
  message: "boom",
});

/** Two containers: separate clients, notifiers and alerters over one table and one clock. */
async function twoContainers() {
  const clock = { now: T0 };
  const table = await dynamo().newTable();
  const make = () =>
    createAlerter({
      state: createAlertStateStore({
        table: createStateTable({ client: dynamo().client, tableName: table.tableName }),
      }),
      notifier: createNotifier({
        client: new SNSClient({ region: "eu-west-1" }),
        eventsTopicArn: "unused",
        alertsTopicArn: ALERTS,
      }),
      stage: "prod",
      windowSeconds: WINDOW,
      now: () => clock.now,
    });
  return { clock, a: make(), b: make() };
}

const published = (): AlertMessage[] =>
  sns.commandCalls(PublishCommand).map((call) => JSON.parse(call.args[0].input.Message!) as AlertMessage);

describe("raise", () => {
  it("sends one firing alert per window across containers, then one per new window", async () => {
    const { clock, a, b } = await twoContainers();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).raise("markid.token-limit-reached", "Partner reached token limit."),
      ),
    );
    expect(results.filter((r) => r._unsafeUnwrap().sent)).toHaveLength(1);
    expect(published()).toEqual([
      {
        type: "markid.token-limit-reached",
        state: "firing",
        severity: "critical",
        summary: "Partner reached token limit.",
        stage: "prod",
        firstSeen: new Date(T0).toISOString(),
        count: 1,
      },
    ]);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.MessageAttributes?.["state"]?.StringValue).toBe("firing");
    expect(input.Subject).toBe("[prod] FIRING markid.token-limit-reached: Partner reached token limit.");

    clock.now = T0 + WINDOW * 1000;
    expect((await b.raise("markid.token-limit-reached", "still out of tokens"))._unsafeUnwrap()).toEqual({
      sent: true,
    });
    expect((await a.raise("markid.token-limit-reached", "still out of tokens"))._unsafeUnwrap()).toEqual({
      sent: false,
    });
    expect(published()).toHaveLength(2);
    expect(published()[1]).toMatchObject({
      summary: "still out of tokens",
      count: 1,
      firstSeen: new Date(clock.now).toISOString(),
    });
  });

  it("uses the type's default severity unless one is given", async () => {
    const { a } = await twoContainers();
    await a.raise("markid.unavailable", "Mark ID unreachable");
    await a.raise("markid.client-error", "schema mismatch", "critical");
    expect(published().map((m) => m.severity)).toEqual(["warning", "critical"]);
    expect(DEFAULT_ALERT_SEVERITY).toEqual({
      "markid.token-limit-reached": "critical",
      "markid.credentials-invalid": "critical",
      "markid.permission-denied": "critical",
      "markid.client-error": "warning",
      "markid.unavailable": "warning",
    });
  });

  it("never loses an alert: a failed publish is returned and the next occurrence fires", async () => {
    const { a, b } = await twoContainers();
    sns.on(PublishCommand).rejectsOnce(snsDown).resolves({ MessageId: "m" });
    expect((await a.raise("markid.permission-denied", "denied"))._unsafeUnwrapErr()).toMatchObject({
      kind: "aws",
      service: "sns",
      code: "InternalErrorException",
      retryable: true,
    });
    expect((await b.raise("markid.permission-denied", "denied"))._unsafeUnwrap()).toEqual({ sent: true });
    expect((await a.raise("markid.permission-denied", "denied"))._unsafeUnwrap()).toEqual({ sent: false });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
  });
});

describe("clear", () => {
  it("sends the resolved alert once across containers, with the folded count", async () => {
    const { clock, a, b } = await twoContainers();
    await a.raise("markid.credentials-invalid", "rejected");
    await b.raise("markid.credentials-invalid", "rejected");
    await a.raise("markid.credentials-invalid", "rejected");
    clock.now = T0 + 60_000;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).clear("markid.credentials-invalid", "accepted again"),
      ),
    );
    expect(results.filter((r) => r._unsafeUnwrap().sent)).toHaveLength(1);
    expect(published()[1]).toEqual({
      type: "markid.credentials-invalid",
      state: "resolved",
      severity: "critical",
      summary: "accepted again",
      stage: "prod",
      firstSeen: new Date(T0).toISOString(),
      count: 3,
    });
    expect(sns.commandCalls(PublishCommand)[1]!.args[0].input.MessageAttributes?.["state"]?.StringValue).toBe(
      "resolved",
    );
    expect((await a.clear("markid.credentials-invalid", "accepted again"))._unsafeUnwrap()).toEqual({
      sent: false,
    });
  });

  it("sends nothing when nothing was firing", async () => {
    const { a } = await twoContainers();
    expect((await a.clear("markid.unavailable", "fine"))._unsafeUnwrap()).toEqual({ sent: false });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it("retries a resolved alert whose publish failed on the next clear", async () => {
    const { a, b } = await twoContainers();
    expect((await a.raise("markid.unavailable", "down"))._unsafeUnwrap()).toEqual({ sent: true });
    sns.reset();
    sns.on(PublishCommand).rejectsOnce(snsDown).resolves({ MessageId: "m" });
    expect((await a.clear("markid.unavailable", "up"))._unsafeUnwrapErr().code).toBe(
      "InternalErrorException",
    );
    expect((await b.clear("markid.unavailable", "up"))._unsafeUnwrap()).toEqual({ sent: true });
    expect((await a.clear("markid.unavailable", "up"))._unsafeUnwrap()).toEqual({ sent: false });
    // The failed attempt and the one that went through; nothing after.
    expect(published().map((m) => m.state)).toEqual(["resolved", "resolved"]);
  });
});

describe("state failures", () => {
  it("returns a DynamoDB failure without publishing", async () => {
    const alerter = createAlerter({
      state: createAlertStateStore({
        table: createStateTable({ client: dynamo().client, tableName: "missing" }),
      }),
      notifier: createNotifier({
        client: new SNSClient({ region: "eu-west-1" }),
        eventsTopicArn: "unused",
        alertsTopicArn: ALERTS,
      }),
      stage: "prod",
      windowSeconds: WINDOW,
    });
    expect((await alerter.raise("markid.unavailable", "down"))._unsafeUnwrapErr()).toMatchObject({
      service: "dynamodb",
      code: "ResourceNotFoundException",
    });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});
