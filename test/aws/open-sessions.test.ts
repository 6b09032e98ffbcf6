import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import {
  createOpenSessionStore,
  type OpenSession,
  type OpenSessionStore,
  type TrackedSession,
} from "../../lib/aws/open-sessions";
import { createResultSequence, type ResultSequence } from "../../lib/aws/result-sequence";
import type { StateTable } from "../../lib/aws/state-table";
import { useDynalite } from "./support/dynalite";

/* The reconciler's index of open sessions (open-sessions.ts) and the publisher's side of the same items (result-sequence.ts: a final result's number closes it), on dynalite. */

const dynamo = useDynalite();

const T0 = Date.parse("2030-01-01T00:00:00Z");
const T0_SECONDS = T0 / 1000;
const SETTINGS = { reconcileAfterSeconds: 900, retentionSeconds: 30 * 86_400 };

const session = (n: number, tokenExpiresAtMs = T0): TrackedSession => ({
  scanRef: `scan-${n}`,
  requestId: `req-${n}`,
  clientId: `client-${n}`,
  tokenExpiresAtMs,
});

async function fresh() {
  const table = await dynamo().newTable();
  return {
    table,
    store: createOpenSessionStore({ table }),
    sequence: createResultSequence({ table, now: () => T0 }),
  };
}

async function dueNow(store: OpenSessionStore, nowMs: number, limit = 100): Promise<readonly OpenSession[]> {
  return (await store.due(nowMs, limit))._unsafeUnwrap();
}

async function item(table: StateTable, scanRef: string) {
  const output = await table.doc.send(
    new GetCommand({ TableName: table.tableName, Key: { pk: `scan#${scanRef}` }, ConsistentRead: true }),
  );
  return output.Item;
}

const AFTER = T0 + SETTINGS.reconcileAfterSeconds * 1000;

describe("track", () => {
  it("puts the session in the index, due RECONCILE_AFTER_SECONDS after its token expires", async () => {
    const { store } = await fresh();
    (await store.track(session(1), SETTINGS))._unsafeUnwrap();

    expect(await dueNow(store, AFTER - 1000)).toEqual([]);
    expect(await dueNow(store, AFTER)).toEqual([
      {
        ...session(1),
        dueAtSeconds: T0_SECONDS + SETTINGS.reconcileAfterSeconds,
        asks: 0,
        intervalSeconds: 0,
        reviewPending: false,
      },
    ]);
  });

  it("is idempotent and keeps the reconciler's progress (a redelivered request tracks it again)", async () => {
    const { store } = await fresh();
    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    const [due] = await dueNow(store, AFTER);
    expect((await store.claimAsk(due!, T0_SECONDS + 5000, 1800))._unsafeUnwrap()).toBe(true);

    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    (await store.track(session(1), SETTINGS))._unsafeUnwrap();

    expect(await dueNow(store, AFTER)).toEqual([]);
    expect(await dueNow(store, (T0_SECONDS + 5000) * 1000)).toEqual([
      {
        ...session(1),
        dueAtSeconds: T0_SECONDS + 5000,
        asks: 1,
        intervalSeconds: 1800,
        reviewPending: false,
      },
    ]);
  });

  it("does not reopen a session whose final result was published", async () => {
    const { store, sequence } = await fresh();
    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    (await sequence.next("scan-1", { retentionSeconds: 86_400, final: true }))._unsafeUnwrap();
    expect(await dueNow(store, AFTER)).toEqual([]);

    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    expect(await dueNow(store, AFTER + 86_400_000)).toEqual([]);
  });

  it("does not reopen a session published before it was ever tracked (a webhook faster than the tracking)", async () => {
    const { store, sequence } = await fresh();
    (await sequence.next("scan-1", { retentionSeconds: 86_400, final: false }))._unsafeUnwrap();
    (await sequence.next("scan-1", { retentionSeconds: 86_400, final: true }))._unsafeUnwrap();

    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    expect(await dueNow(store, AFTER + 86_400_000)).toEqual([]);
  });

  it("does not reopen a session that was given up", async () => {
    const { store } = await fresh();
    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    (await store.giveUp("scan-1", AFTER))._unsafeUnwrap();

    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    expect(await dueNow(store, AFTER + 86_400_000)).toEqual([]);
  });

  it("keeps the item past the token's expiry by the retention (DynamoDB TTL)", async () => {
    const { table, store } = await fresh();
    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    expect((await item(table, "scan-1"))?.["expiresAt"]).toBe(T0_SECONDS + SETTINGS.retentionSeconds);
  });
});

describe("due", () => {
  it("returns only the open sessions due by now, the longest overdue first, bounded by the limit", async () => {
    const { store, sequence } = await fresh();
    // Tracked out of order; due at T0 + 15 min + n minutes.
    for (const n of [4, 1, 6, 3, 2, 5]) {
      (await store.track(session(n, T0 + n * 60_000), SETTINGS))._unsafeUnwrap();
    }
    (await sequence.next("scan-2", { retentionSeconds: 86_400, final: true }))._unsafeUnwrap();
    (await store.giveUp("scan-3", T0))._unsafeUnwrap();
    const now = AFTER + 5 * 60_000; // sessions 1..5 due, 6 not yet

    expect((await dueNow(store, now)).map((s) => s.scanRef)).toEqual(["scan-1", "scan-4", "scan-5"]);
    expect((await dueNow(store, now, 2)).map((s) => s.scanRef)).toEqual(["scan-1", "scan-4"]);
  });

  it("orders by the next due time after asks, not by the token's expiry", async () => {
    const { store } = await fresh();
    (await store.track(session(1, T0), SETTINGS))._unsafeUnwrap();
    (await store.track(session(2, T0 + 60_000), SETTINGS))._unsafeUnwrap();
    const [first] = await dueNow(store, AFTER);
    (await store.claimAsk(first!, T0_SECONDS + 10_000, 9000))._unsafeUnwrap();

    const later = (T0_SECONDS + 10_000) * 1000;
    expect((await dueNow(store, later)).map((s) => s.scanRef)).toEqual(["scan-2", "scan-1"]);
  });

  it("is empty on an empty table", async () => {
    const { store } = await fresh();
    expect(await dueNow(store, AFTER)).toEqual([]);
  });

  it("never lists a scan# item that only carries a sequence (a result for a session made elsewhere)", async () => {
    const { store, sequence } = await fresh();
    (await sequence.next("scan-elsewhere", { retentionSeconds: 86_400, final: false }))._unsafeUnwrap();
    expect(await dueNow(store, AFTER + 86_400_000)).toEqual([]);
  });
});

describe("claimAsk", () => {
  it("moves the session to its next due time and counts the ask", async () => {
    const { table, store } = await fresh();
    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    const [due] = await dueNow(store, AFTER);

    expect((await store.claimAsk(due!, T0_SECONDS + 2700, 900))._unsafeUnwrap()).toBe(true);
    expect(await dueNow(store, AFTER)).toEqual([]);
    expect(await item(table, "scan-1")).toMatchObject({
      reconcileAt: T0_SECONDS + 2700,
      asks: 1,
      intervalSeconds: 900,
    });
  });

  it("answers false when another run claimed it since `due` read it; only one of two concurrent claims wins", async () => {
    const { store } = await fresh();
    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    const [due] = await dueNow(store, AFTER);

    const results = await Promise.all([
      store.claimAsk(due!, T0_SECONDS + 2700, 900),
      store.claimAsk(due!, T0_SECONDS + 2700, 900),
    ]);
    expect(results.map((result) => result._unsafeUnwrap()).sort()).toEqual([false, true]);
    expect((await store.claimAsk(due!, T0_SECONDS + 9999, 900))._unsafeUnwrap()).toBe(false);
  });

  it("answers false when the final result was published since `due` read it", async () => {
    const { store, sequence } = await fresh();
    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    const [due] = await dueNow(store, AFTER);
    (await sequence.next("scan-1", { retentionSeconds: 86_400, final: true }))._unsafeUnwrap();

    expect((await store.claimAsk(due!, T0_SECONDS + 2700, 900))._unsafeUnwrap()).toBe(false);
    expect(await dueNow(store, AFTER + 86_400_000)).toEqual([]);
  });

  it("answers false when it was given up, and when the item is gone (TTL)", async () => {
    const { store } = await fresh();
    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    const [due] = await dueNow(store, AFTER);
    (await store.giveUp("scan-1", AFTER))._unsafeUnwrap();
    expect((await store.claimAsk(due!, T0_SECONDS + 2700, 900))._unsafeUnwrap()).toBe(false);

    const gone: OpenSession = { ...due!, scanRef: "scan-never-tracked" };
    expect((await store.claimAsk(gone, T0_SECONDS + 2700, 900))._unsafeUnwrap()).toBe(false);
  });
});

describe("giveUp", () => {
  it("takes the session out of the index for good and records when", async () => {
    const { table, store } = await fresh();
    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    (await store.giveUp("scan-1", AFTER))._unsafeUnwrap();

    expect(await dueNow(store, AFTER + 86_400_000)).toEqual([]);
    const stored = await item(table, "scan-1");
    expect(stored).toMatchObject({ gaveUpAt: new Date(AFTER).toISOString() });
    expect(stored).not.toHaveProperty("reconcileShard");
    expect(stored).not.toHaveProperty("reconcileAt");
  });

  it("is a no-op on a session already closed or never tracked", async () => {
    const { table, store, sequence } = await fresh();
    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    (await sequence.next("scan-1", { retentionSeconds: 86_400, final: true }))._unsafeUnwrap();

    (await store.giveUp("scan-1", AFTER))._unsafeUnwrap();
    (await store.giveUp("scan-unknown", AFTER))._unsafeUnwrap();
    expect(await item(table, "scan-1")).not.toHaveProperty("gaveUpAt");
    expect(await item(table, "scan-unknown")).toBeUndefined();
  });
});

/** What a draw gave, for a session that was not erased (a test of the erasure asserts that case). */
function drawn(result: Awaited<ReturnType<ResultSequence["next"]>>) {
  const value = result._unsafeUnwrap();
  if (value.erased) throw new Error("the session was erased");
  return value;
}

describe("result sequence", () => {
  it("numbers each scanRef's results in strictly increasing order, independently per scanRef", async () => {
    const { sequence } = await fresh();
    const numbers: number[] = [];
    for (let i = 0; i < 3; i += 1)
      numbers.push(drawn(await sequence.next("scan-a", { retentionSeconds: 86_400, final: false })).sequence);
    const other = drawn(await sequence.next("scan-b", { retentionSeconds: 86_400, final: false }));

    expect(numbers).toEqual([1, 2, 3]);
    expect(other.sequence).toBe(1);
  });

  it("never hands out one number twice under concurrent draws", async () => {
    const { sequence } = await fresh();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => sequence.next("scan-a", { retentionSeconds: 86_400, final: false })),
    );
    const numbers = results.map((result) => drawn(result).sequence).sort((a, b) => a - b);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("gives the requestId of a tracked session, and none for a session made elsewhere", async () => {
    const { store, sequence } = await fresh();
    (await store.track(session(1), SETTINGS))._unsafeUnwrap();

    expect(
      (await sequence.next("scan-1", { retentionSeconds: 86_400, final: false }))._unsafeUnwrap(),
    ).toEqual({
      erased: false,
      sequence: 1,
      requestId: "req-1",
    });
    expect(
      (await sequence.next("scan-other", { retentionSeconds: 86_400, final: false }))._unsafeUnwrap(),
    ).toEqual({
      erased: false,
      sequence: 1,
      requestId: undefined,
    });
  });

  it("keeps the tracked session's fields and the reconciler's progress", async () => {
    const { table, store, sequence } = await fresh();
    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    (await sequence.next("scan-1", { retentionSeconds: 86_400, final: false }))._unsafeUnwrap();

    expect(await item(table, "scan-1")).toMatchObject({
      requestId: "req-1",
      clientId: "client-1",
      sequence: 1,
    });
    expect((await dueNow(store, AFTER)).map((s) => s.scanRef)).toEqual(["scan-1"]);
  });

  it("a result that is not final marks the open session as waiting for a manual review", async () => {
    const { store, sequence } = await fresh();
    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    (await store.track(session(2), SETTINGS))._unsafeUnwrap();
    (await sequence.next("scan-1", { retentionSeconds: 86_400, final: false }))._unsafeUnwrap();

    expect((await dueNow(store, AFTER)).map((s) => [s.scanRef, s.reviewPending])).toEqual([
      ["scan-1", true],
      ["scan-2", false],
    ]);
  });

  it("a final result's number closes the session in the same write; the counter goes on after it", async () => {
    const { table, store, sequence } = await fresh();
    (await store.track(session(1), SETTINGS))._unsafeUnwrap();
    (await sequence.next("scan-1", { retentionSeconds: 86_400, final: false }))._unsafeUnwrap();
    expect((await dueNow(store, AFTER)).map((s) => s.scanRef)).toEqual(["scan-1"]);
    const final = (await sequence.next("scan-1", { retentionSeconds: 86_400, final: true }))._unsafeUnwrap();
    expect(final).toEqual({ erased: false, sequence: 2, requestId: "req-1" });

    expect(await dueNow(store, AFTER + 86_400_000)).toEqual([]);
    expect(await item(table, "scan-1")).toMatchObject({
      finalAt: new Date(T0).toISOString(),
      expiresAt: T0_SECONDS + 86_400,
    });
    // A late duplicate, or a manual review's second final result, is numbered higher.
    expect(drawn(await sequence.next("scan-1", { retentionSeconds: 86_400, final: false })).sequence).toBe(3);
  });
});
