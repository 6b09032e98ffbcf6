import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryStore, deliveryKey } from "../../lib/aws/delivery-store";
import { createStateTable } from "../../lib/aws/state-table";
import { startDynalite, type LocalDynamo } from "./support/dynalite";

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

const T0 = Date.parse("2030-01-01T00:00:00Z");

describe("deliveryKey", () => {
  it("separates scanRef, final and overall so no two deliveries collide", () => {
    const keys = new Set([
      deliveryKey({ scanRef: "scan-1", final: true, overall: "APPROVED" }),
      deliveryKey({ scanRef: "scan-1", final: false, overall: "APPROVED" }),
      deliveryKey({ scanRef: "scan-1", final: true, overall: "DENIED" }),
      deliveryKey({ scanRef: "scan-2", final: true, overall: "APPROVED" }),
      deliveryKey({ scanRef: "a#true", final: true, overall: "x" }),
      deliveryKey({ scanRef: "a", final: true, overall: "true#x" }),
    ]);
    expect(keys.size).toBe(6);
    expect(deliveryKey({ scanRef: "scan-1", final: true, overall: "APPROVED" })).toBe(
      deliveryKey({ scanRef: "scan-1", final: true, overall: "APPROVED" }),
    );
  });
});

describe("delivery store", () => {
  it("knows a delivery only after it was marked", async () => {
    let now = T0;
    const store = createDeliveryStore({ table: await dynamo.newTable(), now: () => now });
    const key = deliveryKey({ scanRef: "scan-1", final: true, overall: "APPROVED" });
    const other = deliveryKey({ scanRef: "scan-1", final: false, overall: "APPROVED" });

    expect((await store.isDelivered(key))._unsafeUnwrap()).toBe(false);
    expect((await store.markDelivered(key, 3600)).isOk()).toBe(true);
    expect((await store.isDelivered(key))._unsafeUnwrap()).toBe(true);
    expect((await store.isDelivered(other))._unsafeUnwrap()).toBe(false);

    // Marking again (a concurrent duplicate) is harmless.
    expect((await store.markDelivered(key, 3600)).isOk()).toBe(true);

    // Past its TTL the mark no longer counts, even if DynamoDB has not deleted it yet.
    now = T0 + 3600 * 1000 + 1000;
    expect((await store.isDelivered(key))._unsafeUnwrap()).toBe(false);
  });

  it("is shared between containers", async () => {
    const table = await dynamo.newTable();
    const a = createDeliveryStore({ table });
    const b = createDeliveryStore({
      table: createStateTable({ client: dynamo.client, tableName: table.tableName }),
    });
    const key = deliveryKey({ scanRef: "scan-9", final: true, overall: "DENIED" });
    await a.markDelivered(key, 60);
    expect((await b.isDelivered(key))._unsafeUnwrap()).toBe(true);
  });

  it("reports a missing table as an error value", async () => {
    const store = createDeliveryStore({
      table: createStateTable({ client: dynamo.client, tableName: "missing" }),
    });
    expect((await store.isDelivered("k"))._unsafeUnwrapErr()).toMatchObject({
      operation: "GetItem",
      code: "ResourceNotFoundException",
    });
    expect((await store.markDelivered("k", 60))._unsafeUnwrapErr()).toMatchObject({
      operation: "PutItem",
      code: "ResourceNotFoundException",
    });
  });
});
