import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createErasureStore } from "../../lib/aws/erasures";
import { createOpenSessionStore } from "../../lib/aws/open-sessions";
import type { StateTable } from "../../lib/aws/state-table";
import { startDynalite, type LocalDynamo } from "./support/dynalite";

/* The lookup from a clientId to its sessions (the client-sessions index) and their erasure, on dynalite. */

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

const T0 = Date.parse("2030-01-01T00:00:00Z");

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
      Item: { pk: `session#req-${n}`, status: "published", session: { scanRef: `scan-${n}`, clientId } },
    }),
  );
}

const item = async (table: StateTable, pk: string) =>
  (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk }, ConsistentRead: true })))
    .Item;

describe("erasure store", () => {
  it("finds every session of a person, and only theirs", async () => {
    const table = await dynamo.newTable();
    await session(table, 1, "client-a");
    await session(table, 2, "client-b");
    await session(table, 3, "client-a");
    const store = createErasureStore({ table });
    expect((await store.scanRefsOf("client-a"))._unsafeUnwrap()).toEqual(["scan-1", "scan-3"]);
    expect((await store.scanRefsOf("client-c"))._unsafeUnwrap()).toEqual([]);
  });

  it("reads a session by scanRef; undefined when the table holds none", async () => {
    const table = await dynamo.newTable();
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

  it("forgets a session: its session# item goes, its scan# item keeps no clientId or requestId and leaves the index", async () => {
    const table = await dynamo.newTable();
    await session(table, 1, "client-a");
    await session(table, 2, "client-a");
    const store = createErasureStore({ table });
    const found = (await store.sessionOf("scan-1"))._unsafeUnwrap()!;
    (await store.forget(found, T0))._unsafeUnwrap();

    expect(await item(table, "session#req-1")).toBeUndefined();
    const scan = await item(table, "scan#scan-1");
    expect(scan).toBeDefined();
    expect(scan).not.toHaveProperty("clientId");
    expect(scan).not.toHaveProperty("requestId");
    expect(scan?.["erasedAt"]).toBe(new Date(T0).toISOString());
    expect(JSON.stringify(scan)).not.toContain("client-a");
    expect((await store.scanRefsOf("client-a"))._unsafeUnwrap()).toEqual(["scan-2"]);
    expect(await item(table, "session#req-2")).toBeDefined();

    // Again (a redelivery), and for an item that is gone: nothing to do, no error, nothing made.
    (await store.forget(found, T0))._unsafeUnwrap();
    (await store.forget({ ...found, scanRef: "scan-9", requestId: "" }, T0))._unsafeUnwrap();
    expect(await item(table, "scan#scan-9")).toBeUndefined();
  });
});
