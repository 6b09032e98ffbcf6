import type { ResultAsync } from "neverthrow";
import type { AwsError } from "./aws-error";
import {
  DUE_DELETIONS_SHARD,
  SHARD_NAMES,
  stateKey,
  toEpochSeconds,
  updateIfStill,
  type StateTable,
} from "./state-table";

/*
 * The publisher's side of a session's `scan#<scanRef>` item (state-table.ts): the per-scanRef
 * counter that gives each published result its `sequence` (design.md §4.3), and, for a final
 * result, the mark that takes the session out of the reconciler's index — in the same write, made
 * before the event is published, so the reconciler never asks about a session whose final result
 * is already on its way out. Should that publish fail for good, the result waits in the results
 * DLQ (alarmed) rather than in the reconciler's index. When retention at Mark ID is on
 * (`deleteAfterSeconds`), the same write moves the item from the reconciler's shard of the index
 * to the deletion shard, due once the retention period has passed (due-deletions.ts); a later
 * final result (a review changing it) starts the period again.
 *
 * A number is drawn just before its event is published; a publish that fails leaves a gap, and the
 * retry draws a higher one. So numbers only grow in the order results are published, which is all
 * the consumer rule (keep the highest `sequence` among a scanRef's final results) needs.
 *
 * A session whose person was erased (`erasedAt`, erasures.ts) draws no number: its result is not to
 * be published. The check is the same conditional write, so a result drawn after the erasure
 * never goes out; one drawn just before it may (design.md §4.6).
 */

type DrawnSequence =
  | {
      readonly erased: false;
      readonly sequence: number;
      /** The request that created the session, when this deployment created it (open-sessions.ts). */
      readonly requestId: string | undefined;
    }
  /** The session's person was erased: nothing of it is published any more. */
  | { readonly erased: true };

export interface ResultSequence {
  /**
   * The next number for `scanRef`'s results; keeps the item at least `retentionSeconds` more. For
   * a final result (`final`), also closes the session for the reconciler. `erased` when the
   * session's person was erased (nothing written).
   */
  next(scanRef: string, options: NextOptions): ResultAsync<DrawnSequence, AwsError>;
}

interface NextOptions {
  readonly retentionSeconds: number;
  readonly final: boolean;
  /**
   * MARKID_RETENTION_SECONDS: for a final result, the session's data is to be deleted at Mark ID
   * this long after now. 0 or absent: never.
   */
  readonly deleteAfterSeconds?: number;
}

/**
 * How long a `scan#` item in the deletion shard outlives its first due time: Mark ID refuses the
 * deletion until the token expires (up to 30 days after it was made), and failed deletions are
 * retried for about a week more (due-deletions.ts), so the item is never gone while it is queued.
 */
export const DELETION_WINDOW_SECONDS = 45 * 24 * 60 * 60;

export interface ResultSequenceOptions {
  readonly table: StateTable;
  /** Clock in epoch milliseconds; injected by tests. */
  readonly now?: () => number;
}

export function createResultSequence(options: ResultSequenceOptions): ResultSequence {
  const { table } = options;
  const now = options.now ?? Date.now;
  const pk = (scanRef: string) => stateKey("scan", scanRef);

  return {
    next(scanRef, { retentionSeconds, final, deleteAfterSeconds = 0 }) {
      const at = now();
      const nowSeconds = toEpochSeconds(at);
      const deleting = final && deleteAfterSeconds > 0;
      // The item outlives the last result by the retention, so the counter never restarts while
      // deliveries of this scanRef are still remembered as published; a deletion keeps it queued.
      const keepSeconds = deleting
        ? Math.max(retentionSeconds, deleteAfterSeconds + DELETION_WINDOW_SECONDS)
        : retentionSeconds;
      const keep = "ADD #sequence :one SET expiresAt = :expiresAt";
      // A result that is not final means a manual review is to follow: the reconciler must not
      // take the automatic status the status endpoint then shows for the final one (open-sessions.ts).
      const update = !final
        ? `${keep}, reviewPending = :pending`
        : deleting
          ? `${keep}, finalAt = :finalAt, #shard = :delete, #due = :deleteAt, deleteAttempts = :zero ` +
            "REMOVE deletedAt, deleteGaveUpAt"
          : `${keep}, finalAt = :finalAt REMOVE #shard, #due`;
      return updateIfStill(table, {
        Key: { pk: pk(scanRef) },
        UpdateExpression: update,
        ConditionExpression: "attribute_not_exists(erasedAt)",
        ExpressionAttributeNames: { "#sequence": "sequence", ...(final ? SHARD_NAMES : {}) },
        ExpressionAttributeValues: {
          ":one": 1,
          ":expiresAt": nowSeconds + keepSeconds,
          ...(final ? { ":finalAt": new Date(at).toISOString() } : { ":pending": true }),
          ...(deleting
            ? { ":delete": DUE_DELETIONS_SHARD, ":deleteAt": nowSeconds + deleteAfterSeconds, ":zero": 0 }
            : {}),
        },
        ReturnValues: "ALL_NEW",
      }).map((item): DrawnSequence => {
        if (item === undefined) return { erased: true };
        const requestId = item["requestId"];
        return {
          erased: false,
          sequence: Number(item["sequence"]),
          requestId: typeof requestId === "string" ? requestId : undefined,
        };
      });
    },
  };
}
