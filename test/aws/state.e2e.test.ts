import { afterEach, describe, expect, it } from "vitest";
import { createAlertStateStore } from "../../lib/aws/alert-state";
import { createAlerter } from "../../lib/aws/alerts";
import { createNotifier } from "../../lib/aws/notifier";
import { createSessionStore } from "../../lib/aws/session-store";
import { createStateTable } from "../../lib/aws/state-table";
import type { AlertMessage } from "../../lib/messages";
import { useLocalAws } from "./support/local-aws";

/* The real DynamoDB and SNS SDK clients through the local gateway (DynamoDB proxied to dynalite). */

const local = useLocalAws();

afterEach(() => {
  local.aws.faults.clear();
});

const T0 = Date.parse("2030-01-01T00:00:00Z");

describe("session store through the local DynamoDB", () => {
  it("lets one of two containers claim a request; the other re-publishes the saved session", async () => {
    const tableName = await local.createTable();
    const [a, b] = [0, 1].map(() =>
      createSessionStore({ table: createStateTable({ client: local.clients().dynamodb, tableName }) }),
    );
    const outcomes = await Promise.all([
      a!.claim("req-1", { leaseMs: 60_000, fingerprint: "fp-1", now: T0 }),
      b!.claim("req-1", { leaseMs: 60_000, fingerprint: "fp-1", now: T0 }),
    ]);
    const winner = outcomes.findIndex((o) => o._unsafeUnwrap().state === "claimed");
    expect(winner).toBeGreaterThanOrEqual(0);
    expect(outcomes[1 - winner]!._unsafeUnwrap().state).toBe("in-progress");

    const session = {
      scanRef: "scan-1",
      authToken: "token-1",
      redirectUrl: "https://x/y",
      expiresAt: "2030-01-02T00:00:00.000Z",
      clientId: "c",
    };
    const won = outcomes[winner]!._unsafeUnwrap();
    if (won.state !== "claimed") throw new Error("expected a claim");
    expect(
      (await [a, b][winner]!.saveSession("req-1", session, T0 / 1000 + 86_400, won.claimId)).isOk(),
    ).toBe(true);
    expect(
      (
        await [a, b][1 - winner]!.claim("req-1", { leaseMs: 60_000, fingerprint: "fp-1", now: T0 + 1 })
      )._unsafeUnwrap(),
    ).toEqual({
      state: "session",
      session,
      published: false,
    });
  });

  it("rides over a throttled write with the SDK's retry, and reports it once attempts run out", async () => {
    const tableName = await local.createTable();
    const store = createSessionStore({
      table: createStateTable({ client: local.clients(3).dynamodb, tableName }),
    });
    local.aws.faults.inject({ service: "dynamodb", operation: "PutItem", error: "throttling", count: 1 });
    expect(
      (await store.claim("req-1", { leaseMs: 1000, fingerprint: "fp-1", now: T0 }))._unsafeUnwrap().state,
    ).toBe("claimed");

    const once = createSessionStore({
      table: createStateTable({ client: local.clients(1).dynamodb, tableName }),
    });
    local.aws.faults.inject({ service: "dynamodb", operation: "PutItem", error: "throttling" });
    expect(
      (await once.claim("req-2", { leaseMs: 1000, fingerprint: "fp-1", now: T0 }))._unsafeUnwrapErr(),
    ).toMatchObject({
      service: "dynamodb",
      operation: "PutItem",
      code: "ThrottlingException",
      retryable: true,
    });
  });
});

describe("alerts through the local DynamoDB and SNS", () => {
  it("two containers send one firing alert per window and one resolved alert", async () => {
    const [tableName, alertsTopicArn] = await Promise.all([local.createTable(), local.createTopic()]);
    const clock = { now: T0 };
    const container = () => {
      const clients = local.clients();
      return createAlerter({
        state: createAlertStateStore({ table: createStateTable({ client: clients.dynamodb, tableName }) }),
        notifier: createNotifier({ client: clients.sns, eventsTopicArn: alertsTopicArn, alertsTopicArn }),
        stage: "e2e",
        windowSeconds: 600,
        now: () => clock.now,
      });
    };
    const [a, b] = [container(), container()];
    const sent = async (results: ReturnType<typeof a.raise>[]) =>
      (await Promise.all(results)).filter((r) => r._unsafeUnwrap().sent).length;

    expect(
      await sent(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? a : b).raise("markid.token-limit-reached", "Partner reached token limit."),
        ),
      ),
    ).toBe(1);
    clock.now += 600_000;
    expect(
      await sent([
        a.raise("markid.token-limit-reached", "still"),
        b.raise("markid.token-limit-reached", "still"),
      ]),
    ).toBe(1);
    clock.now += 1000;
    expect(
      await sent([
        a.clear("markid.token-limit-reached", "tokens again"),
        b.clear("markid.token-limit-reached", "tokens again"),
      ]),
    ).toBe(1);

    const messages = local.aws.sns.published(alertsTopicArn);
    expect(
      messages.map((m) => [
        m.messageAttributes["state"]?.stringValue,
        (JSON.parse(m.message) as AlertMessage).count,
      ]),
    ).toEqual([
      ["firing", 1],
      ["firing", 1],
      ["resolved", 2],
    ]);
    expect(messages[2]!.subject).toBe("[e2e] RESOLVED markid.token-limit-reached: tokens again");
  });

  it("does not lose the alert when SNS fails after the window was won", async () => {
    const [tableName, alertsTopicArn] = await Promise.all([local.createTable(), local.createTopic()]);
    const clients = local.clients(1);
    const alerter = createAlerter({
      state: createAlertStateStore({ table: createStateTable({ client: clients.dynamodb, tableName }) }),
      notifier: createNotifier({ client: clients.sns, eventsTopicArn: alertsTopicArn, alertsTopicArn }),
      stage: "e2e",
      windowSeconds: 600,
    });
    local.aws.faults.inject({ service: "sns", operation: "Publish", error: "internal", count: 1 });
    expect((await alerter.raise("markid.unavailable", "down"))._unsafeUnwrapErr()).toMatchObject({
      service: "sns",
      retryable: true,
    });
    expect((await alerter.raise("markid.unavailable", "down"))._unsafeUnwrap()).toEqual({ sent: true });
    expect(local.aws.sns.published(alertsTopicArn)).toHaveLength(1);
  });
});
