import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { createErasureStore } from "../../lib/aws/erasures";
import { createDueDeletionStore } from "../../lib/aws/due-deletions";
import { createOpenSessionStore } from "../../lib/aws/open-sessions";
import { createResultSequence } from "../../lib/aws/result-sequence";
import { createSessionStore } from "../../lib/aws/session-store";
import type { StateTable } from "../../lib/aws/state-table";
import { useDynalite } from "./support/dynalite";

/* The lookup from a clientId to its sessions (the client-sessions index) and their erasure, on dynalite. */

const dynamo = useDynalite();

const T0 = Date.parse("2030-01-01T00:00:00Z");
/** The session# item's expiry (its token's, plus the results' retention): the tombstone keeps it. */
const TTL = T0 / 1000 + 30 * 86_400;

async function session(table: StateTable, n: number, clientId: string) {
  (
    await createOpenSessionStore({ table }).track(
      { scanRef: `scan-${n}`, requestId: `req-${n}`, clientId, tokenExpiresAtMs: T0 },
      { reconcileAfterSeconds: 900, retentionSeconds: 86_400 },
    )
  )._unsafeUnwrap();
  await table.doc.send(
    new PutCommand({
      TableName: table.tableName,
      Item: {
        pk: `session#req-${n}`,
        status: "published",
        fingerprint: `fp-${n}`,
        session: { scanRef: `scan-${n}`, clientId },
        expiresAt: TTL,
      },
    }),
  );
}

const item = async (table: StateTable, pk: string) =>
  (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk }, ConsistentRead: true })))
    .Item;

describe("erasure store", () => {
  it("finds every session of a person, and only theirs", async () => {
    const table = await dynamo().newTable();
    await session(table, 1, "client-a");
    await session(table, 2, "client-b");
    await session(table, 3, "client-a");
    const store = createErasureStore({ table });
    expect((await store.scanRefsOf("client-a"))._unsafeUnwrap()).toEqual(["scan-1", "scan-3"]);
    expect((await store.scanRefsOf("client-c"))._unsafeUnwrap()).toEqual([]);
  });

  it("reads a session by scanRef; undefined when the table holds none", async () => {
    const table = await dynamo().newTable();
    await session(table, 1, "client-a");
    const store = createErasureStore({ table });
    expect((await store.sessionOf("scan-1"))._unsafeUnwrap()).toEqual({
      scanRef: "scan-1",
      requestId: "req-1",
      clientId: "client-a",
      tokenExpiresAtMs: T0,
    });
    expect((await store.sessionOf("scan-9"))._unsafeUnwrap()).toBeUndefined();
  });

  it("forgets a session: a tombstone of its session# item, a scan# item with no clientId or requestId, out of the index", async () => {
    const table = await dynamo().newTable();
    await session(table, 1, "client-a");
    await session(table, 2, "client-a");
    const store = createErasureStore({ table });
    const found = (await store.sessionOf("scan-1"))._unsafeUnwrap()!;
    (await store.forget(found, T0))._unsafeUnwrap();

    expect(await item(table, "session#req-1")).toEqual({
      pk: "session#req-1",
      status: "erased",
      erasedAt: new Date(T0).toISOString(),
      expiresAt: TTL,
    });
    const scan = await item(table, "scan#scan-1");
    expect(scan).toBeDefined();
    expect(scan).not.toHaveProperty("clientId");
    expect(scan).not.toHaveProperty("requestId");
    expect(scan?.["erasedAt"]).toBe(new Date(T0).toISOString());
    expect(JSON.stringify(scan)).not.toContain("client-a");
    expect((await store.scanRefsOf("client-a"))._unsafeUnwrap()).toEqual(["scan-2"]);
    expect(await item(table, "session#req-2")).toMatchObject({ status: "published" });

    // Again (a redelivery), and for items that are gone: nothing to do, no error, nothing made.
    (await store.forget(found, T0))._unsafeUnwrap();
    (await store.forget({ ...found, scanRef: "scan-9", requestId: "req-9" }, T0))._unsafeUnwrap();
    expect(await item(table, "scan#scan-9")).toBeUndefined();
    expect(await item(table, "session#req-9")).toBeUndefined();
  });

  it("closes an erased session for everyone who would bring the person back", async () => {
    const table = await dynamo().newTable();
    await session(table, 1, "client-a");
    await session(table, 2, "client-b");
    const open = createOpenSessionStore({ table });
    const due = async () => (await open.due(T0 + 86_400_000, 10))._unsafeUnwrap().map((s) => s.scanRef);
    expect(await due()).toEqual(["scan-1", "scan-2"]);
    const sequence = createResultSequence({ table, now: () => T0 });
    // Two results were numbered before the erasure (automatic ones: the session stays open for the
    // reconciler): it reports the last number handed out.
    for (let i = 0; i < 2; i += 1)
      (await sequence.next("scan-1", { retentionSeconds: 86_400, final: false }))._unsafeUnwrap();
    expect(await due()).toEqual(["scan-1", "scan-2"]);
    const store = createErasureStore({ table });
    expect(
      (await store.forget((await store.sessionOf("scan-1"))._unsafeUnwrap()!, T0))._unsafeUnwrap(),
    ).toEqual({
      lastSequence: 2,
    });

    // The reconciler no longer asks about it...
    expect(await due()).toEqual(["scan-2"]);
    // ...a re-publish of the session does not put the clientId back...
    (
      await open.track(
        { scanRef: "scan-1", requestId: "req-1", clientId: "client-a", tokenExpiresAtMs: T0 },
        { reconcileAfterSeconds: 900, retentionSeconds: 86_400 },
      )
    )._unsafeUnwrap();
    expect(JSON.stringify(await item(table, "scan#scan-1"))).not.toContain("client-a");
    expect(await due()).toEqual(["scan-2"]);
    // ...a result that still arrives draws no number (it is not published)...
    expect(
      (await sequence.next("scan-1", { retentionSeconds: 86_400, final: true }))._unsafeUnwrap(),
    ).toEqual({ erased: true });
    expect(
      (await sequence.next("scan-2", { retentionSeconds: 86_400, final: true }))._unsafeUnwrap(),
    ).toMatchObject({ erased: false, sequence: 1 });
    // ...and the request, delivered again, makes no new token.
    const claim = (
      await createSessionStore({ table }).claim("req-1", { leaseMs: 60_000, fingerprint: "fp", now: T0 })
    )._unsafeUnwrap();
    expect(claim).toEqual({ state: "erased" });
  });

  it("takes a session queued for deletion at Mark ID out of that queue: the erasure asked already", async () => {
    const table = await dynamo().newTable();
    await session(table, 1, "client-a");
    const sequence = createResultSequence({ table, now: () => T0 });
    (
      await sequence.next("scan-1", { retentionSeconds: 86_400, final: true, deleteAfterSeconds: 60 })
    )._unsafeUnwrap();
    const deletions = createDueDeletionStore({ table });
    const dueDeletions = async () =>
      (await deletions.due(T0 + 86_400_000, 10))._unsafeUnwrap().map((d) => d.scanRef);
    expect(await dueDeletions()).toEqual(["scan-1"]);

    const store = createErasureStore({ table });
    const found = (await store.sessionOf("scan-1"))._unsafeUnwrap()!;
    (await store.forget(found, T0, new Date(T0).toISOString()))._unsafeUnwrap();
    expect(await dueDeletions()).toEqual([]);
    expect(await item(table, "scan#scan-1")).toMatchObject({ deletedAt: new Date(T0).toISOString() });
  });
});
