import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { publishQueuedDelivery, type PublishOutcome } from "../../lib/flows/publish-result";
import type { PendingCompletedEvent, VerificationCompletedEvent } from "../../lib/messages";
import { serializeDelivery } from "../../lib/result-delivery";
import { useStack } from "../support/stack";

/* The publisher's decisions over the local stack: real DynamoDB conditional writes, real SNS. */

const stack = useStack();
const SETTINGS = { retentionSeconds: 30 * 86_400 };

afterEach(() => {
  stack().aws.faults.clear();
});

function result(fields: Partial<PendingCompletedEvent> = {}): PendingCompletedEvent {
  return {
    type: "verification.completed",
    scanRef: `scan-${randomUUID()}`,
    clientId: "client-1",
    externalRef: null,
    final: true,
    overall: "APPROVED",
    fraudTags: [],
    mismatchTags: [],
    autoDocument: "DOC_VALIDATED",
    autoFace: "FACE_MATCH",
    manualDocument: null,
    manualFace: null,
    data: { docFirstName: "A" },
    source: "webhook",
    receivedAt: "2026-12-03T10:00:00.000Z",
    ...fields,
  };
}

const body = (event: PendingCompletedEvent) => serializeDelivery({ kind: "verification-result", event });

function publish(event: PendingCompletedEvent, deps = stack().newContainer()): Promise<PublishOutcome> {
  return publishQueuedDelivery(body(event), deps, SETTINGS);
}

function eventsFor(scanRef: string): VerificationCompletedEvent[] {
  return stack()
    .aws.sns.published(stack().resources.eventsTopicArn)
    .map((message) => JSON.parse(message.message) as VerificationCompletedEvent)
    .filter((event) => event.type === "verification.completed" && event.scanRef === scanRef);
}

describe("a session whose person was erased", () => {
  it("has no result published any more, however often it arrives; other sessions are untouched", async () => {
    const deps = stack().newContainer();
    const erased = result();
    const other = result();
    (
      await deps.openSessions.track(
        {
          scanRef: erased.scanRef,
          requestId: "req-erased",
          clientId: "client-1",
          tokenExpiresAtMs: Date.now(),
        },
        { reconcileAfterSeconds: 900, retentionSeconds: 86_400 },
      )
    )._unsafeUnwrap();
    const erasable = (await deps.erasures.sessionOf(erased.scanRef))._unsafeUnwrap();
    (await deps.erasures.forget(erasable!, Date.now()))._unsafeUnwrap();

    const outcomes = [await publish(erased, deps), await publish(erased, deps), await publish(other, deps)];

    expect(outcomes.map((outcome) => outcome.kind)).toEqual(["erased", "erased", "published"]);
    expect(eventsFor(erased.scanRef)).toEqual([]);
    expect(eventsFor(other.scanRef)).toHaveLength(1);
  });
});

describe("a session this deployment never recorded", () => {
  it("has its results dropped once its person was erased by clientId; another person's still published", async () => {
    const deps = stack().newContainer();
    // A token whose reply was lost: Mark ID made the session, the table never heard of it.
    const ofErased = result({ clientId: "client-erased-unrecorded" });
    const ofOther = result({ clientId: "client-still-here" });
    (await deps.erasedClients.mark("client-erased-unrecorded", Date.now()))._unsafeUnwrap();

    const outcomes = [await publish(ofErased, deps), await publish(ofOther, deps)];

    expect(outcomes.map((outcome) => outcome.kind)).toEqual(["erased", "published"]);
    expect(eventsFor(ofErased.scanRef)).toEqual([]);
    expect(eventsFor(ofOther.scanRef)).toHaveLength(1);
  });
});

describe("exactly one event per (scanRef, final, overall)", () => {
  it("publishes the automatic result, the final one and a later re-review, each once, numbered in order", async () => {
    const scanRef = `scan-${randomUUID()}`;
    const automatic = result({ scanRef, final: false });
    const reviewed = result({ scanRef, final: true });
    const reReviewed = result({ scanRef, final: true, overall: "DENIED" });

    for (const event of [automatic, automatic, reviewed, reReviewed, reviewed]) await publish(event);

    expect(eventsFor(scanRef).map((event) => [event.final, event.overall, event.sequence])).toEqual([
      [false, "APPROVED", 1],
      [true, "APPROVED", 2],
      [true, "DENIED", 3],
    ]);
  });

  it("publishes one of five identical copies arriving at once; the others are duplicates or given back", async () => {
    const event = result();
    const deps = stack().newContainer();

    const outcomes = await Promise.all([1, 2, 3, 4, 5].map(() => publish(event, deps)));

    expect(outcomes.filter((outcome) => outcome.kind === "published")).toHaveLength(1);
    for (const other of outcomes.filter((outcome) => outcome.kind !== "published")) {
      expect(
        other.kind === "duplicate" || (other.kind === "given-back" && other.reason === "in-progress"),
      ).toBe(true);
    }
    // A copy given back comes again after its visibility timeout and finds it published.
    expect((await publish(event, deps)).kind).toBe("duplicate");
    expect(eventsFor(event.scanRef)).toHaveLength(1);
  });

  it("treats a reconciled copy of a webhook's result as a duplicate, and counts only a recovered one", async () => {
    const fromWebhook = result();
    await publish(fromWebhook);
    const reconciledCopy = result({ scanRef: fromWebhook.scanRef, source: "reconciliation", data: null });
    expect(await publish(reconciledCopy)).toMatchObject({ kind: "duplicate", source: "reconciliation" });

    const lost = result({ source: "reconciliation", data: null, requestId: "req-9" });
    expect(await publish(lost)).toMatchObject({ kind: "published", result: { source: "reconciliation" } });
    expect(eventsFor(lost.scanRef)).toEqual([
      expect.objectContaining({ source: "reconciliation", requestId: "req-9", data: null, sequence: 1 }),
    ]);
  });
});

describe("outages give the record back; nothing is lost or published twice", () => {
  it("gives back without publishing when DynamoDB refuses the claim", async () => {
    const event = result();
    stack().aws.faults.inject({ service: "dynamodb", operation: "PutItem", error: "internal" });

    expect(await publish(event)).toMatchObject({ kind: "given-back", reason: "claim-failed" });
    expect(eventsFor(event.scanRef)).toEqual([]);
    stack().aws.faults.clear();
    expect((await publish(event)).kind).toBe("published");
    expect(eventsFor(event.scanRef)).toHaveLength(1);
  });

  it("releases the claim when SNS refuses, so the redelivery publishes (with a higher sequence)", async () => {
    const event = result();
    stack().aws.faults.inject({ service: "sns", operation: "Publish", error: "internal" });

    expect(await publish(event)).toMatchObject({ kind: "given-back", reason: "publish-failed" });
    stack().aws.faults.clear();
    expect(await publish(event)).toMatchObject({ kind: "published", result: { sequence: 2 } });
    expect(eventsFor(event.scanRef).map((published) => published.sequence)).toEqual([2]);
  });

  it("gives back a record it cannot have written, naming what is wrong", async () => {
    const deps = stack().newContainer();
    expect(await publishQueuedDelivery("not json", deps, SETTINGS)).toEqual({
      kind: "given-back",
      reason: "malformed",
      error: { kind: "malformed-delivery", problems: ["(body is not JSON)"] },
    });
    const noScanRef = JSON.stringify({ kind: "verification-result", event: { ...result(), scanRef: "" } });
    expect(await publishQueuedDelivery(noScanRef, deps, SETTINGS)).toMatchObject({
      reason: "malformed",
      error: { problems: ["event.scanRef"] },
    });
  });
});

describe("what the event learns on the way", () => {
  it("carries the requestId of a session this deployment created, and closes it for the reconciler", async () => {
    const deps = stack().newContainer();
    const scanRef = `scan-${randomUUID()}`;
    (
      await deps.openSessions.track(
        { scanRef, requestId: "req-1", clientId: "client-1", tokenExpiresAtMs: Date.now() - 3_600_000 },
        { reconcileAfterSeconds: 0, retentionSeconds: 86_400 },
      )
    )._unsafeUnwrap();
    const due = async () =>
      (await deps.openSessions.due(Date.now(), 100))._unsafeUnwrap().map((s) => s.scanRef);
    expect(await due()).toContain(scanRef);

    await publish(result({ scanRef, final: false }), deps);
    expect(await due()).toContain(scanRef);
    await publish(result({ scanRef, final: true }), deps);

    expect(eventsFor(scanRef).map((event) => event.requestId)).toEqual(["req-1", "req-1"]);
    expect(await due()).not.toContain(scanRef);
  });

  it("with retention at Mark ID on, a final result queues the session's deletion the retention period later", async () => {
    const deps = stack().newContainer();
    const scanRef = `scan-${randomUUID()}`;
    const settings = { ...SETTINGS, deleteAfterSeconds: 3600 };
    const queued = async (atMs: number) =>
      (await deps.dueDeletions.due(atMs, 100))._unsafeUnwrap().map((d) => d.scanRef);

    await publishQueuedDelivery(body(result({ scanRef, final: false })), deps, settings);
    expect(await queued(Date.now() + 2 * 3_600_000)).not.toContain(scanRef);
    await publishQueuedDelivery(body(result({ scanRef, final: true })), deps, settings);
    expect(await queued(Date.now())).not.toContain(scanRef);
    expect(await queued(Date.now() + 3_601_000)).toContain(scanRef);
  });

  it("publishes a notification as it was queued, without deduplicating it", async () => {
    const deps = stack().newContainer();
    const notification = {
      type: "markid.notification" as const,
      kind: "aml-monitoring",
      scanRef: `scan-${randomUUID()}`,
      receivedAt: "2026-12-03T10:00:00.000Z",
      payload: { hit: true },
    };
    const queued = serializeDelivery({ kind: "notification", event: notification });

    expect(await publishQueuedDelivery(queued, deps, SETTINGS)).toEqual({
      kind: "notification-published",
      notificationKind: "aml-monitoring",
    });
    await publishQueuedDelivery(queued, deps, SETTINGS);
    const published = stack()
      .aws.sns.published(stack().resources.eventsTopicArn)
      .filter((message) => message.message.includes(notification.scanRef));
    expect(published.map((message) => JSON.parse(message.message) as unknown)).toEqual([
      notification,
      notification,
    ]);
  });
});
