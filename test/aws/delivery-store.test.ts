import { describe, expect, it } from "vitest";
import { createDeliveryStore, deliveryKey, DELIVERY_CLAIM_LEASE_MS } from "../../lib/aws/delivery-store";
import { createStateTable } from "../../lib/aws/state-table";
import { FUNCTIONS, RESULTS_QUEUE } from "../../local/stack/functions";
import { useDynalite } from "./support/dynalite";

const dynamo = useDynalite();

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
  const KEY = deliveryKey({ scanRef: "scan-1", final: true, overall: "APPROVED" });

  it("lets one claim a delivery, tells the others it is in progress, then delivered once marked", async () => {
    const store = createDeliveryStore({ table: await dynamo().newTable(), now: () => T0 });
    const claims = await Promise.all([1, 2, 3, 4, 5].map(() => store.claim(KEY)));
    expect(claims.map((c) => c._unsafeUnwrap()).sort()).toEqual([
      "claimed",
      "in-progress",
      "in-progress",
      "in-progress",
      "in-progress",
    ]);
    expect((await store.markDelivered(KEY, 3600)).isOk()).toBe(true);
    expect((await store.claim(KEY))._unsafeUnwrap()).toBe("delivered");
    // Another result of the same scanRef is a delivery of its own.
    expect(
      (
        await store.claim(deliveryKey({ scanRef: "scan-1", final: false, overall: "APPROVED" }))
      )._unsafeUnwrap(),
    ).toBe("claimed");
  });

  it("releases a claim so a resend claims again, but never releases a delivered mark", async () => {
    const store = createDeliveryStore({ table: await dynamo().newTable(), now: () => T0 });
    expect((await store.claim(KEY))._unsafeUnwrap()).toBe("claimed");
    expect((await store.release(KEY)).isOk()).toBe(true);
    expect((await store.claim(KEY))._unsafeUnwrap()).toBe("claimed");
    await store.markDelivered(KEY, 3600);
    expect((await store.release(KEY)).isOk()).toBe(true);
    expect((await store.claim(KEY))._unsafeUnwrap()).toBe("delivered");
  });

  it("lets a claim whose holder died be taken after its lease, and forgets a mark past its TTL", async () => {
    let now = T0;
    const store = createDeliveryStore({ table: await dynamo().newTable(), now: () => now });
    expect((await store.claim(KEY))._unsafeUnwrap()).toBe("claimed");
    now = T0 + DELIVERY_CLAIM_LEASE_MS - 1_000;
    expect((await store.claim(KEY))._unsafeUnwrap()).toBe("in-progress");
    now = T0 + DELIVERY_CLAIM_LEASE_MS + 1_000;
    expect((await store.claim(KEY))._unsafeUnwrap()).toBe("claimed");
    await store.markDelivered(KEY, 3600);
    now += 3600 * 1000 + 1000;
    expect((await store.claim(KEY))._unsafeUnwrap()).toBe("claimed");
  });

  it("holds a claim longer than the publisher can run, and shorter than the results queue hides a message", () => {
    expect(DELIVERY_CLAIM_LEASE_MS).toBeGreaterThan(
      FUNCTIONS.publishVerificationResult.timeoutSeconds * 1000,
    );
    expect(DELIVERY_CLAIM_LEASE_MS).toBeLessThan(RESULTS_QUEUE.visibilityTimeoutSeconds * 1000);
  });

  it("is shared between containers", async () => {
    const table = await dynamo().newTable();
    const a = createDeliveryStore({ table });
    const b = createDeliveryStore({
      table: createStateTable({ client: dynamo().client, tableName: table.tableName }),
    });
    const key = deliveryKey({ scanRef: "scan-9", final: true, overall: "DENIED" });
    await a.markDelivered(key, 60);
    expect((await b.claim(key))._unsafeUnwrap()).toBe("delivered");
  });

  it("reports a missing table as an error value", async () => {
    const store = createDeliveryStore({
      table: createStateTable({ client: dynamo().client, tableName: "missing" }),
    });
    expect((await store.claim("k"))._unsafeUnwrapErr()).toMatchObject({
      operation: "PutItem",
      code: "ResourceNotFoundException",
    });
    expect((await store.markDelivered("k", 60))._unsafeUnwrapErr()).toMatchObject({
      operation: "PutItem",
      code: "ResourceNotFoundException",
    });
  });
});
