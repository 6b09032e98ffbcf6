import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { createDueDeletionStore } from "../../lib/aws/due-deletions";
import { createOpenSessionStore } from "../../lib/aws/open-sessions";
import { createResultSequence, DELETION_WINDOW_SECONDS } from "../../lib/aws/result-sequence";
import type { StateTable } from "../../lib/aws/state-table";
import { useDynalite } from "./support/dynalite";

/*
 * The deletion queue (due-deletions.ts): the "delete" shard of the reconciler's index, filled by
 * the publisher's final result when retention at Mark ID is on (result-sequence.ts), on dynalite.
 */

const dynamo = useDynalite();

const T0 = Date.parse("2030-01-01T00:00:00Z");
const T0_SECONDS = T0 / 1000;
const RETENTION = 30 * 86_400;
const DELETE_AFTER = 7 * 86_400;
const DUE = T0 + DELETE_AFTER * 1000;

async function fresh() {
  const table = await dynamo().newTable();
  return {
    table,
    deletions: createDueDeletionStore({ table }),
    sessions: createOpenSessionStore({ table }),
    sequence: createResultSequence({ table, now: () => T0 }),
  };
}

async function item(table: StateTable, scanRef: string) {
  const output = await table.doc.send(
    new GetCommand({ TableName: table.tableName, Key: { pk: `scan#${scanRef}` }, ConsistentRead: true }),
  );
  return output.Item;
}

type Fresh = Awaited<ReturnType<typeof fresh>>;

async function tracked({ sessions }: Fresh, n: number) {
  const session = {
    scanRef: `scan-${n}`,
    requestId: `req-${n}`,
    clientId: `client-${n}`,
    tokenExpiresAtMs: T0,
  };
  (
    await sessions.track(session, { reconcileAfterSeconds: 900, retentionSeconds: RETENTION })
  )._unsafeUnwrap();
}

const finalResult = async ({ sequence }: Fresh, scanRef: string, deleteAfterSeconds = DELETE_AFTER) =>
  (
    await sequence.next(scanRef, { retentionSeconds: RETENTION, final: true, deleteAfterSeconds })
  )._unsafeUnwrap();

describe("a final result with retention on", () => {
  it("moves the session from the reconciler's shard to the deletion shard, due after the retention", async () => {
    const state = await fresh();
    await tracked(state, 1);
    await finalResult(state, "scan-1");

    expect((await state.sessions.due(DUE, 100))._unsafeUnwrap()).toEqual([]);
    expect((await state.deletions.due(DUE - 1000, 100))._unsafeUnwrap()).toEqual([]);
    expect((await state.deletions.due(DUE, 100))._unsafeUnwrap()).toEqual([
      {
        scanRef: "scan-1",
        requestId: "req-1",
        clientId: "client-1",
        tokenExpiresAtMs: T0,
        dueAtSeconds: DUE / 1000,
        attempts: 0,
      },
    ]);
    // The item outlives the deletion's window (DynamoDB TTL), not only the results' retention.
    expect((await item(state.table, "scan-1"))?.["expiresAt"]).toBe(
      T0_SECONDS + DELETE_AFTER + DELETION_WINDOW_SECONDS,
    );
  });

  it("queues a session made elsewhere too (no requestId or clientId)", async () => {
    const state = await fresh();
    await finalResult(state, "scan-elsewhere");
    expect((await state.deletions.due(DUE, 100))._unsafeUnwrap()).toEqual([
      expect.objectContaining({
        scanRef: "scan-elsewhere",
        requestId: "",
        clientId: "",
        tokenExpiresAtMs: 0,
      }),
    ]);
  });

  it("queues nothing with retention off, nor for a result that is not final", async () => {
    const state = await fresh();
    await tracked(state, 1);
    await finalResult(state, "scan-1", 0);
    (
      await state.sequence.next("scan-2", {
        retentionSeconds: RETENTION,
        final: false,
        deleteAfterSeconds: DELETE_AFTER,
      })
    )._unsafeUnwrap();
    expect((await state.deletions.due(DUE * 2, 100))._unsafeUnwrap()).toEqual([]);
    expect((await item(state.table, "scan-1"))?.["reconcileShard"]).toBeUndefined();
  });

  it("returns the due ones oldest first, bounded by the limit, never the reconciler's open sessions", async () => {
    const state = await fresh();
    await tracked(state, 1);
    await tracked(state, 9); // stays open
    await finalResult(state, "scan-1", 3600);
    await finalResult(state, "scan-2", 60);
    await finalResult(state, "scan-3", 7200);
    const due = (await state.deletions.due(T0 + 7200_000, 2))._unsafeUnwrap();
    expect(due.map((d) => d.scanRef)).toEqual(["scan-2", "scan-1"]);
  });
});

describe("claim", () => {
  it("moves the deletion to its next due time and counts the attempt; only one of two concurrent claims wins", async () => {
    const state = await fresh();
    await tracked(state, 1);
    await finalResult(state, "scan-1");
    const [seen] = (await state.deletions.due(DUE, 100))._unsafeUnwrap();
    const claims = await Promise.all([
      state.deletions.claim(seen!, DUE / 1000 + 3600),
      state.deletions.claim(seen!, DUE / 1000 + 3600),
    ]);
    expect(claims.map((claim) => claim._unsafeUnwrap()).sort()).toEqual([false, true]);
    expect((await state.deletions.due(DUE, 100))._unsafeUnwrap()).toEqual([]);
    const [again] = (await state.deletions.due(DUE + 3600_000, 100))._unsafeUnwrap();
    expect(again).toMatchObject({ scanRef: "scan-1", attempts: 1, dueAtSeconds: DUE / 1000 + 3600 });
  });

  it("answers false once the deletion is closed", async () => {
    const state = await fresh();
    await finalResult(state, "scan-1");
    const [seen] = (await state.deletions.due(DUE, 100))._unsafeUnwrap();
    (await state.deletions.close("scan-1", "2030-01-08T00:00:00.000Z"))._unsafeUnwrap();
    expect((await state.deletions.claim(seen!, DUE / 1000 + 3600))._unsafeUnwrap()).toBe(false);
  });
});

describe("recordDeleted, close and giveUp", () => {
  it("recordDeleted keeps it queued with its deletion time; close takes it out and keeps the time", async () => {
    const state = await fresh();
    await finalResult(state, "scan-1");
    (await state.deletions.recordDeleted("scan-1", "2030-01-08T00:00:00.000Z"))._unsafeUnwrap();
    const [queued] = (await state.deletions.due(DUE, 100))._unsafeUnwrap();
    expect(queued?.deletedAt).toBe("2030-01-08T00:00:00.000Z");
    (await state.deletions.close("scan-1", "2030-01-08T00:00:00.000Z"))._unsafeUnwrap();
    expect((await state.deletions.due(DUE * 2, 100))._unsafeUnwrap()).toEqual([]);
    expect(await item(state.table, "scan-1")).toMatchObject({
      deletedAt: "2030-01-08T00:00:00.000Z",
      sequence: 1,
    });
  });

  it("giveUp takes it out for good; none of the three touches an item that is not queued", async () => {
    const state = await fresh();
    await finalResult(state, "scan-1");
    (await state.deletions.giveUp("scan-1", DUE))._unsafeUnwrap();
    expect((await state.deletions.due(DUE * 2, 100))._unsafeUnwrap()).toEqual([]);
    expect((await item(state.table, "scan-1"))?.["deleteGaveUpAt"]).toBe(new Date(DUE).toISOString());

    await tracked(state, 2); // open, in the reconciler's shard
    (await state.deletions.close("scan-2", "x"))._unsafeUnwrap();
    (await state.deletions.recordDeleted("scan-2", "x"))._unsafeUnwrap();
    (await state.deletions.giveUp("scan-2", DUE))._unsafeUnwrap();
    expect(await item(state.table, "scan-2")).toMatchObject({ reconcileShard: "open" });
    expect((await item(state.table, "scan-2"))?.["deletedAt"]).toBeUndefined();
  });

  it("a later final result (a review changing it) queues a deleted session again, from scratch", async () => {
    const state = await fresh();
    await finalResult(state, "scan-1");
    (await state.deletions.close("scan-1", "2030-01-08T00:00:00.000Z"))._unsafeUnwrap();
    await finalResult(state, "scan-1");
    const [queued] = (await state.deletions.due(DUE, 100))._unsafeUnwrap();
    expect(queued).toMatchObject({ scanRef: "scan-1", attempts: 0 });
    expect(queued?.deletedAt).toBeUndefined();
  });
});

describe("the reconciler's giveUp", () => {
  it("leaves a session whose final result queued its deletion in the deletion shard", async () => {
    const state = await fresh();
    await tracked(state, 1);
    await finalResult(state, "scan-1");
    (await state.sessions.giveUp("scan-1", DUE))._unsafeUnwrap();
    expect((await state.deletions.due(DUE, 100))._unsafeUnwrap()).toHaveLength(1);
    expect((await item(state.table, "scan-1"))?.["gaveUpAt"]).toBeUndefined();
  });
});
