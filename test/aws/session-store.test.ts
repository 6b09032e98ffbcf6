import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { createSessionStore, type SessionStore, type StoredSession } from "../../lib/aws/session-store";
import { createStateTable } from "../../lib/aws/state-table";
import { useDynalite } from "./support/dynalite";

const dynamo = useDynalite();

const T0 = Date.parse("2030-01-01T00:00:00Z");
const LEASE = 60_000;
const session: StoredSession = {
  scanRef: "scan-1",
  authToken: "token-1",
  redirectUrl: "https://ivs.markid.eu/api/v2/redirect?authToken=token-1",
  expiresAt: "2030-01-02T00:00:00.000Z",
  clientId: "client-1",
};
const TTL = Math.floor(Date.parse(session.expiresAt) / 1000);

async function freshStore() {
  const table = await dynamo().newTable();
  return { table, store: createSessionStore({ table }) };
}

/** Claims the request and returns the claim's id (every write that ends a claim names it). */
async function claimed(store: SessionStore, requestId: string, now = T0): Promise<string> {
  const claim = (await store.claim(requestId, { leaseMs: LEASE, fingerprint: "fp-1", now }))._unsafeUnwrap();
  if (claim.state !== "claimed") throw new Error(`expected a claim, got ${claim.state}`);
  return claim.claimId;
}

describe("claim", () => {
  it("claims a new request", async () => {
    const { store } = await freshStore();
    const outcome = (
      await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 })
    )._unsafeUnwrap();
    expect(outcome.state).toBe("claimed");
  });

  it("lets exactly one of two concurrent claims win; the other sees the lease", async () => {
    const { store } = await freshStore();
    const outcomes = await Promise.all([
      store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 }),
      store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 }),
    ]);
    const states = outcomes.map((o) => o._unsafeUnwrap());
    expect(states.filter((s) => s.state === "claimed")).toHaveLength(1);
    expect(states.filter((s) => s.state === "in-progress")).toEqual([
      { state: "in-progress", leaseExpiresAt: T0 + LEASE },
    ]);
  });

  it("lets exactly one of 20 concurrent claims win, across separate store instances", async () => {
    const table = await dynamo().newTable();
    const stores = Array.from({ length: 20 }, () =>
      createSessionStore({
        table: createStateTable({ client: dynamo().client, tableName: table.tableName }),
      }),
    );
    const outcomes = await Promise.all(
      stores.map((s) => s.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 })),
    );
    expect(outcomes.filter((o) => o._unsafeUnwrap().state === "claimed")).toHaveLength(1);
  });

  it("keeps requests apart", async () => {
    const { store } = await freshStore();
    await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 });
    expect(
      (await store.claim("req-2", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 }))._unsafeUnwrap().state,
    ).toBe("claimed");
  });

  it("reclaims after the lease ran out, and the old holder can no longer save", async () => {
    const { store } = await freshStore();
    const first = (
      await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 })
    )._unsafeUnwrap();
    expect(
      (
        await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 + LEASE - 1 })
      )._unsafeUnwrap().state,
    ).toBe("in-progress");

    const second = (
      await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 + LEASE + 1 })
    )._unsafeUnwrap();
    expect(second.state).toBe("claimed");
    if (first.state !== "claimed" || second.state !== "claimed") throw new Error("unreachable");

    const stale = (await store.saveSession("req-1", session, TTL, first.claimId))._unsafeUnwrapErr();
    expect(stale).toMatchObject({ code: "ConditionalCheckFailedException", retryable: false });
    expect(stale.message).not.toContain("token-1");
    expect((await store.saveSession("req-1", session, TTL, second.claimId)).isOk()).toBe(true);
  });
});

describe("a requestId held for another body", () => {
  it("answers conflict for a session, a live claim or a lapsed claim of another fingerprint", async () => {
    const { store } = await freshStore();
    const claimId = await claimed(store, "req-1");
    const other = (now: number) => store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-2", now });
    expect((await other(T0 + 1))._unsafeUnwrap()).toEqual({ state: "conflict" });
    // Lapsed: the holder may have died after Mark ID made its token; another body never takes over.
    expect((await other(T0 + LEASE + 1))._unsafeUnwrap()).toEqual({ state: "conflict" });
    expect((await store.saveSession("req-1", session, TTL, claimId)).isOk()).toBe(true);
    expect((await other(T0 + 2))._unsafeUnwrap()).toEqual({ state: "conflict" });
    // The same body still gets its session.
    expect(
      (await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 + 3 }))._unsafeUnwrap()
        .state,
    ).toBe("session");
  });

  it("lets another body claim once the item has expired", async () => {
    const { store } = await freshStore();
    await store.saveSession("req-1", session, TTL, await claimed(store, "req-1"));
    const later = TTL * 1000 + 1000;
    expect(
      (await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-2", now: later }))._unsafeUnwrap().state,
    ).toBe("claimed");
  });
});

describe("saveSession and redelivery", () => {
  it("returns the stored session to a later claim instead of a new claim", async () => {
    const { store } = await freshStore();
    const claim = (
      await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 })
    )._unsafeUnwrap();
    if (claim.state !== "claimed") throw new Error("expected a claim");
    expect((await store.saveSession("req-1", session, TTL, claim.claimId)).isOk()).toBe(true);

    // A redelivery, long after the lease, before the token expires.
    const later = (
      await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 + 10 * LEASE })
    )._unsafeUnwrap();
    expect(later).toEqual({ state: "session", session, published: false });
  });

  it("reports published after markPublished", async () => {
    const { store } = await freshStore();
    const claimId = await claimed(store, "req-1");
    expect((await store.saveSession("req-1", session, TTL, claimId)).isOk()).toBe(true);
    expect((await store.markPublished("req-1")).isOk()).toBe(true);
    expect((await store.markPublished("req-1")).isOk()).toBe(true);
    expect(
      (await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 }))._unsafeUnwrap(),
    ).toEqual({
      state: "session",
      session,
      published: true,
    });
  });

  it("stores only the session fields, with the fingerprint and the TTL attribute, and drops the lease", async () => {
    const { store, table } = await freshStore();
    const claimId = await claimed(store, "req-1");
    await store.saveSession("req-1", { ...session, extra: "not stored" } as StoredSession, TTL, claimId);
    const { Item } = await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: "session#req-1" } }),
    );
    expect(Item).toEqual({
      pk: "session#req-1",
      status: "session-created",
      session,
      fingerprint: "fp-1",
      expiresAt: TTL,
    });
  });

  it("refuses to save without a claim, under another claim's id, or over a saved session", async () => {
    const { store } = await freshStore();
    expect((await store.saveSession("req-1", session, TTL, "no-such-claim"))._unsafeUnwrapErr().code).toBe(
      "ConditionalCheckFailedException",
    );
    const claimId = await claimed(store, "req-1");
    expect((await store.saveSession("req-1", session, TTL, "another-claim"))._unsafeUnwrapErr().code).toBe(
      "ConditionalCheckFailedException",
    );
    expect((await store.saveSession("req-1", session, TTL, claimId)).isOk()).toBe(true);
    expect(
      (await store.saveSession("req-1", { ...session, scanRef: "scan-2" }, TTL, claimId))._unsafeUnwrapErr()
        .code,
    ).toBe("ConditionalCheckFailedException");
  });

  it("refuses markPublished when no session was saved", async () => {
    const { store } = await freshStore();
    await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 });
    expect((await store.markPublished("req-1"))._unsafeUnwrapErr().code).toBe(
      "ConditionalCheckFailedException",
    );
  });

  it("treats a session whose TTL passed as gone (DynamoDB deletes late): a new claim is allowed", async () => {
    const { store } = await freshStore();
    await store.saveSession("req-1", session, TTL, await claimed(store, "req-1"));
    expect(
      (
        await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: TTL * 1000 + 1000 })
      )._unsafeUnwrap().state,
    ).toBe("claimed");
  });
});

describe("holdClaim", () => {
  it("keeps the claim until the given time, and only for its holder", async () => {
    const { store } = await freshStore();
    const claimId = await claimed(store, "req-1");
    const until = T0 + 10 * LEASE;
    expect((await store.holdClaim("req-1", "another-claim", until))._unsafeUnwrapErr().code).toBe(
      "ConditionalCheckFailedException",
    );
    expect((await store.holdClaim("req-1", claimId, until)).isOk()).toBe(true);
    const claimAt = (now: number) => store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now });
    // Long past the claim's own lease, before the hold ends: still held.
    expect((await claimAt(T0 + 5 * LEASE))._unsafeUnwrap()).toEqual({
      state: "in-progress",
      leaseExpiresAt: until,
    });
    expect((await claimAt(until + 1))._unsafeUnwrap().state).toBe("claimed");
  });
});

describe("release", () => {
  it("frees the request so a retry may claim it", async () => {
    const { store } = await freshStore();
    const claimId = await claimed(store, "req-1");
    expect((await store.release("req-1", claimId))._unsafeUnwrap()).toEqual({ released: true });
    expect(
      (await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 + 1 }))._unsafeUnwrap()
        .state,
    ).toBe("claimed");
  });

  it("never deletes a saved session", async () => {
    const { store } = await freshStore();
    const claimId = await claimed(store, "req-1");
    await store.saveSession("req-1", session, TTL, claimId);
    expect((await store.release("req-1", claimId))._unsafeUnwrap()).toEqual({ released: false });
    expect(
      (await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 }))._unsafeUnwrap().state,
    ).toBe("session");
  });

  it("does not release a claim another holder took over", async () => {
    const { store } = await freshStore();
    const first = (
      await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 })
    )._unsafeUnwrap();
    await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 + LEASE + 1 });
    if (first.state !== "claimed") throw new Error("expected a claim");
    expect((await store.release("req-1", first.claimId))._unsafeUnwrap()).toEqual({ released: false });
    expect(
      (
        await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 + LEASE + 2 })
      )._unsafeUnwrap().state,
    ).toBe("in-progress");
  });

  it("is a no-op for an unknown request", async () => {
    const { store } = await freshStore();
    expect((await store.release("nobody", "no-such-claim"))._unsafeUnwrap()).toEqual({ released: false });
  });
});

describe("failures", () => {
  it("reports a missing table as ResourceNotFoundException", async () => {
    const store = createSessionStore({
      table: createStateTable({ client: dynamo().client, tableName: "no-such-table" }),
    });
    expect(
      (await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 }))._unsafeUnwrapErr(),
    ).toMatchObject({
      kind: "aws",
      service: "dynamodb",
      operation: "PutItem",
      code: "ResourceNotFoundException",
      retryable: false,
    });
  });

  it("reports an item it did not write as UnexpectedItem", async () => {
    const { store, table } = await freshStore();
    await table.doc.send(
      new PutCommand({ TableName: table.tableName, Item: { pk: "session#req-1", status: "weird" } }),
    );
    expect(
      (await store.claim("req-1", { leaseMs: LEASE, fingerprint: "fp-1", now: T0 }))._unsafeUnwrapErr(),
    ).toMatchObject({
      code: "UnexpectedItem",
    });
  });
});
