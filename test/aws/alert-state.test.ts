import { describe, expect, it } from "vitest";
import { createAlertStateStore } from "../../lib/aws/alert-state";
import { createStateTable, readStateItem } from "../../lib/aws/state-table";
import { useDynalite } from "./support/dynalite";

const dynamo = useDynalite();

const T0 = Date.parse("2030-01-01T00:00:00Z");
const WINDOW = 3600;
const TYPE = "markid.token-limit-reached";

async function twoContainers() {
  const table = await dynamo().newTable();
  const other = createStateTable({ client: dynamo().client, tableName: table.tableName });
  return [createAlertStateStore({ table }), createAlertStateStore({ table: other })] as const;
}

describe("recordOccurrence", () => {
  it("fires once per window and folds the rest into the count", async () => {
    const [a, b] = await twoContainers();
    expect((await a.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 }))._unsafeUnwrap()).toEqual({
      fire: true,
      count: 1,
      firstSeen: new Date(T0).toISOString(),
    });
    expect(
      (await b.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 + 1000 }))._unsafeUnwrap(),
    ).toEqual({
      fire: false,
      count: 2,
      firstSeen: new Date(T0).toISOString(),
    });
    expect(
      (await a.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 + WINDOW * 1000 - 1 }))._unsafeUnwrap()
        .count,
    ).toBe(3);
  });

  it("lets exactly one of many concurrent occurrences fire, and counts them all", async () => {
    const [a, b] = await twoContainers();
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 === 0 ? a : b).recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 + i }),
      ),
    );
    const values = outcomes.map((o) => o._unsafeUnwrap());
    expect(values.filter((v) => v.fire)).toHaveLength(1);
    expect(Math.max(...values.map((v) => v.count))).toBe(30);
    expect(new Set(values.map((v) => v.count)).size).toBe(30);
  });

  it("lets an alert item expire (DynamoDB TTL) 30 days after its window, or after its resolution", async () => {
    const table = await dynamo().newTable();
    const store = createAlertStateStore({ table });
    const expiresAt = async () =>
      (await readStateItem(table, `alert#${TYPE}`))._unsafeUnwrap()?.["expiresAt"];
    const MONTH_SECONDS = 30 * 86_400;

    (await store.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 }))._unsafeUnwrap();
    expect(await expiresAt()).toBe(T0 / 1000 + WINDOW + MONTH_SECONDS);
    (await store.resolve(TYPE, { now: T0 + 60_000 }))._unsafeUnwrap();
    expect(await expiresAt()).toBe(T0 / 1000 + 60 + MONTH_SECONDS);
  });

  it("fires again when the window has ended", async () => {
    const [a, b] = await twoContainers();
    await a.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 });
    await b.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 + 1 });
    const next = (
      await b.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 + WINDOW * 1000 })
    )._unsafeUnwrap();
    expect(next).toEqual({ fire: true, count: 1, firstSeen: new Date(T0 + WINDOW * 1000).toISOString() });
  });

  it("keeps alert types apart", async () => {
    const [a] = await twoContainers();
    await a.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 });
    expect(
      (await a.recordOccurrence("markid.unavailable", { windowSeconds: WINDOW, now: T0 }))._unsafeUnwrap()
        .fire,
    ).toBe(true);
  });
});

describe("resolve", () => {
  it("sends resolved exactly once across containers, with the window's count", async () => {
    const [a, b] = await twoContainers();
    await a.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 });
    await b.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 + 1 });
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).resolve(TYPE, { now: T0 + 5000 })),
    );
    const sent = outcomes.map((o) => o._unsafeUnwrap()).filter((r) => r.sendResolved);
    expect(sent).toEqual([{ sendResolved: true, count: 2, firstSeen: new Date(T0).toISOString() }]);
    expect((await a.resolve(TYPE, { now: T0 + 6000 }))._unsafeUnwrap()).toEqual({ sendResolved: false });
  });

  it("does nothing when nothing fired", async () => {
    const [a] = await twoContainers();
    expect((await a.resolve(TYPE, { now: T0 }))._unsafeUnwrap()).toEqual({ sendResolved: false });
  });

  it("fires immediately on the next occurrence after a resolve, even within the old window", async () => {
    const [a] = await twoContainers();
    await a.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 });
    await a.resolve(TYPE, { now: T0 + 10 });
    expect(
      (await a.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 + 20 }))._unsafeUnwrap(),
    ).toMatchObject({ fire: true, count: 1 });
  });

  it("resolves an alert whose window ran out while still firing", async () => {
    const [a] = await twoContainers();
    await a.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 });
    expect((await a.resolve(TYPE, { now: T0 + WINDOW * 5000 }))._unsafeUnwrap().sendResolved).toBe(true);
  });
});

describe("isFiring", () => {
  it("is true only while firing within the window", async () => {
    const [a, b] = await twoContainers();
    expect((await b.isFiring(TYPE, { now: T0 }))._unsafeUnwrap()).toBe(false);
    await a.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 });
    expect((await b.isFiring(TYPE, { now: T0 + 1 }))._unsafeUnwrap()).toBe(true);
    expect((await b.isFiring(TYPE, { now: T0 + WINDOW * 1000 }))._unsafeUnwrap()).toBe(false);
    await a.resolve(TYPE, { now: T0 + 2 });
    expect((await b.isFiring(TYPE, { now: T0 + 3 }))._unsafeUnwrap()).toBe(false);
  });
});

describe("undo", () => {
  it("undoFire lets the next occurrence fire and suppresses a resolved for the unsent alert", async () => {
    const [a, b] = await twoContainers();
    const first = (await a.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 }))._unsafeUnwrap();
    expect((await a.undoFire(TYPE, first.firstSeen)).isOk()).toBe(true);
    expect((await b.resolve(TYPE, { now: T0 + 1 }))._unsafeUnwrap().sendResolved).toBe(false);
    expect(
      (await b.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 + 2 }))._unsafeUnwrap().fire,
    ).toBe(true);
  });

  it("undoFire of an old window leaves a newer one alone", async () => {
    const [a] = await twoContainers();
    await a.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 });
    await a.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 + WINDOW * 1000 });
    expect((await a.undoFire(TYPE, new Date(T0).toISOString())).isOk()).toBe(true);
    expect((await a.isFiring(TYPE, { now: T0 + WINDOW * 1000 + 1 }))._unsafeUnwrap()).toBe(true);
  });

  it("undoResolve makes the next resolve send again", async () => {
    const [a, b] = await twoContainers();
    await a.recordOccurrence(TYPE, { windowSeconds: WINDOW, now: T0 });
    const resolved = (await a.resolve(TYPE, { now: T0 + 1 }))._unsafeUnwrap();
    if (!resolved.sendResolved) throw new Error("expected to resolve");
    expect((await a.undoResolve(TYPE, resolved.firstSeen)).isOk()).toBe(true);
    expect((await b.resolve(TYPE, { now: T0 + 2 }))._unsafeUnwrap().sendResolved).toBe(true);
  });
});
