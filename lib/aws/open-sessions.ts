import type { ResultAsync } from "neverthrow";
import type { AwsError } from "./aws-error";
import {
  OPEN_SESSIONS_DUE_ATTRIBUTE,
  OPEN_SESSIONS_SHARD,
  SHARD_NAMES,
  stateKey,
  toEpochSeconds,
  queryDueInShard,
  readScanItem,
  updateIfStill,
  type StateTable,
} from "./state-table";

/*
 * Sessions still waiting for their final result, for the reconciler (design.md §4.4). Each lives
 * on its `scan#<scanRef>` item (state-table.ts), in the sparse OPEN_SESSIONS_INDEX while it is open:
 *
 *   start-verification --track--> open, due at tokenExpiry + RECONCILE_AFTER_SECONDS
 *   reconciler --claimAsk--> open, due again one interval later (so a concurrent run skips it)
 *   publisher --next, final (result-sequence.ts)--> closed: final result on its way out (and,
 *     with retention at Mark ID on, queued for deletion: due-deletions.ts)
 *   reconciler --giveUp--> closed: still in progress RECONCILE_GIVE_UP_SECONDS after expiry
 *
 * Keyed by scanRef, not requestId: the publisher knows only the scanRef of a webhook's result.
 */

export interface TrackedSession {
  readonly scanRef: string;
  readonly requestId: string;
  readonly clientId: string;
  /** Epoch milliseconds the session's token expires. */
  readonly tokenExpiresAtMs: number;
}

export interface OpenSession extends TrackedSession {
  /** Epoch seconds the session is due (the index's sort key, as read). */
  readonly dueAtSeconds: number;
  /** Status calls made for it so far. */
  readonly asks: number;
  /** The wait before the previous ask, seconds; 0 before the first. */
  readonly intervalSeconds: number;
  /**
   * A result with `final: false` was published (result-sequence.ts): Mark ID is waiting for a
   * person's review, and until it is done the status endpoint may show the automatic result.
   */
  readonly reviewPending: boolean;
}

interface TrackSettings {
  /** RECONCILE_AFTER_SECONDS. */
  readonly reconcileAfterSeconds: number;
  /** How long the item lives after the token expires: past the give-up time, with room to spare. */
  readonly retentionSeconds: number;
}

export interface OpenSessionStore {
  /** Puts a session in the index (idempotent: a redelivery keeps the reconciler's progress). */
  track(session: TrackedSession, settings: TrackSettings): ResultAsync<void, AwsError>;
  /** Up to `limit` sessions due by `nowMs`, the longest overdue first (an eventually consistent read). */
  due(nowMs: number, limit: number): ResultAsync<readonly OpenSession[], AwsError>;
  /**
   * Takes the next ask of a due session, moving it to `nextDueAtSeconds`: `false` when the session
   * was closed or claimed by someone else since `due` read it (then it must not be asked about).
   */
  claimAsk(
    session: OpenSession,
    nextDueAtSeconds: number,
    intervalSeconds: number,
  ): ResultAsync<boolean, AwsError>;
  /** Takes a session out of the index for good: it stayed in progress past the give-up time. */
  giveUp(scanRef: string, nowMs: number): ResultAsync<void, AwsError>;
}

export function createOpenSessionStore({ table }: { readonly table: StateTable }): OpenSessionStore {
  const pk = (scanRef: string) => stateKey("scan", scanRef);

  return {
    track(session, settings) {
      const tokenExpiresAt = toEpochSeconds(session.tokenExpiresAtMs);
      return updateIfStill(table, {
        Key: { pk: pk(session.scanRef) },
        UpdateExpression:
          "SET requestId = :requestId, clientId = :clientId, tokenExpiresAt = :tokenExpiresAt, " +
          "#shard = :open, #due = if_not_exists(#due, :firstDue), asks = if_not_exists(asks, :zero), " +
          "intervalSeconds = if_not_exists(intervalSeconds, :zero), expiresAt = :expiresAt",
        // A session whose final result is out, or that was given up, stays closed; one whose
        // person was erased gets no clientId back.
        ConditionExpression:
          "attribute_not_exists(finalAt) AND attribute_not_exists(gaveUpAt) AND attribute_not_exists(erasedAt)",
        ExpressionAttributeNames: SHARD_NAMES,
        ExpressionAttributeValues: {
          ":requestId": session.requestId,
          ":clientId": session.clientId,
          ":tokenExpiresAt": tokenExpiresAt,
          ":open": OPEN_SESSIONS_SHARD,
          ":firstDue": tokenExpiresAt + settings.reconcileAfterSeconds,
          ":zero": 0,
          ":expiresAt": tokenExpiresAt + settings.retentionSeconds,
        },
      }).map(() => undefined);
    },
    due(nowMs, limit) {
      return queryDueInShard(table, OPEN_SESSIONS_SHARD, nowMs, limit).map((items) =>
        items.flatMap(toOpenSession),
      );
    },
    claimAsk(session, nextDueAtSeconds, intervalSeconds) {
      return updateIfStill(table, {
        Key: { pk: pk(session.scanRef) },
        UpdateExpression: "SET #due = :next, intervalSeconds = :interval ADD asks :one",
        ConditionExpression: "#shard = :open AND #due = :seen",
        ExpressionAttributeNames: SHARD_NAMES,
        ExpressionAttributeValues: {
          ":next": nextDueAtSeconds,
          ":interval": intervalSeconds,
          ":one": 1,
          ":open": OPEN_SESSIONS_SHARD,
          ":seen": session.dueAtSeconds,
        },
      }).map((written) => written !== undefined);
    },
    giveUp(scanRef, nowMs) {
      return updateIfStill(table, {
        Key: { pk: pk(scanRef) },
        UpdateExpression: "SET gaveUpAt = :at REMOVE #shard, #due",
        // Only while open: a final result published meanwhile may have queued its deletion.
        ConditionExpression: "#shard = :open",
        ExpressionAttributeNames: SHARD_NAMES,
        ExpressionAttributeValues: { ":at": new Date(nowMs).toISOString(), ":open": OPEN_SESSIONS_SHARD },
      }).map(() => undefined);
    },
  };
}

/** An index item as an OpenSession; one this module did not write (no scanRef) is skipped. */
function toOpenSession(item: Record<string, unknown>): OpenSession[] {
  const scan = readScanItem(item);
  if (scan === undefined) return [];
  const { number, text } = scan;
  return [
    {
      scanRef: scan.scanRef,
      requestId: text("requestId"),
      clientId: text("clientId"),
      tokenExpiresAtMs: number("tokenExpiresAt") * 1000,
      dueAtSeconds: number(OPEN_SESSIONS_DUE_ATTRIBUTE),
      asks: number("asks"),
      intervalSeconds: number("intervalSeconds"),
      reviewPending: item["reviewPending"] === true,
    },
  ];
}
