import type { ResultAsync } from "neverthrow";
import type { AwsError } from "./aws-error";
import {
  DUE_DELETIONS_SHARD,
  OPEN_SESSIONS_DUE_ATTRIBUTE,
  SHARD_NAMES,
  stateKey,
  queryDueInShard,
  readScanItem,
  updateIfStill,
  type StateTable,
} from "./state-table";

/*
 * Finished sessions whose verification data is to be deleted at Mark ID (retention, design.md
 * §4.5). Each waits on its `scan#<scanRef>` item in the "delete" shard of the sparse index the
 * reconciler reads (state-table.ts):
 *
 *   publisher --next, final, retention on (result-sequence.ts)--> queued, due at final + retention
 *   reconciler --claim--> queued, due again later (so a concurrent run skips it), attempt counted
 *   reconciler --recordDeleted--> queued, deleted at Mark ID but its event not yet published
 *   reconciler --close--> done: deleted and its verification.deleted published
 *   reconciler --giveUp--> done: not deleted after MAX_DELETE_ATTEMPTS (logged and counted)
 */

export interface DueDeletion {
  readonly scanRef: string;
  /** Known when this deployment created the session (open-sessions.ts); else "". */
  readonly requestId: string;
  readonly clientId: string;
  /** Epoch milliseconds the token expires (Mark ID refuses the deletion before); 0 when unknown. */
  readonly tokenExpiresAtMs: number;
  /** Epoch seconds the deletion is due (the index's sort key, as read). */
  readonly dueAtSeconds: number;
  /** Deletions claimed so far. */
  readonly attempts: number;
  /** Set once Mark ID deleted the data, while its event is still to be published. */
  readonly deletedAt?: string;
}

export interface DueDeletionStore {
  /** Up to `limit` deletions due by `nowMs`, the longest overdue first (an eventually consistent read). */
  due(nowMs: number, limit: number): ResultAsync<readonly DueDeletion[], AwsError>;
  /**
   * Takes the next attempt of a due deletion, moving it to `nextDueAtSeconds`: `false` when it was
   * done or claimed by someone else since `due` read it (then Mark ID must not be called for it).
   */
  claim(deletion: DueDeletion, nextDueAtSeconds: number): ResultAsync<boolean, AwsError>;
  /** Mark ID deleted the data but its event could not be published: the next attempt only publishes. */
  recordDeleted(scanRef: string, deletedAt: string): ResultAsync<void, AwsError>;
  /** Deleted and published: out of the index for good. */
  close(scanRef: string, deletedAt: string): ResultAsync<void, AwsError>;
  /** Not deleted after every attempt: out of the index for good. */
  giveUp(scanRef: string, nowMs: number): ResultAsync<void, AwsError>;
}

export function createDueDeletionStore({ table }: { readonly table: StateTable }): DueDeletionStore {
  const pk = (scanRef: string) => stateKey("scan", scanRef);
  // Writes that end or mark a deletion apply only while it is queued; otherwise there is nothing to do.
  const whileQueued = (
    scanRef: string,
    expression: string,
    values: Record<string, unknown>,
  ): ResultAsync<void, AwsError> =>
    updateIfStill(table, {
      Key: { pk: pk(scanRef) },
      UpdateExpression: expression,
      ConditionExpression: "#shard = :delete",
      // DynamoDB refuses a name the expressions do not use.
      ExpressionAttributeNames: expression.includes("#due")
        ? SHARD_NAMES
        : { "#shard": SHARD_NAMES["#shard"] },
      ExpressionAttributeValues: { ":delete": DUE_DELETIONS_SHARD, ...values },
    }).map(() => undefined);

  return {
    due(nowMs, limit) {
      return queryDueInShard(table, DUE_DELETIONS_SHARD, nowMs, limit).map((items) =>
        items.flatMap(toDueDeletion),
      );
    },
    claim(deletion, nextDueAtSeconds) {
      return updateIfStill(table, {
        Key: { pk: pk(deletion.scanRef) },
        UpdateExpression: "SET #due = :next ADD deleteAttempts :one",
        ConditionExpression: "#shard = :delete AND #due = :seen",
        ExpressionAttributeNames: SHARD_NAMES,
        ExpressionAttributeValues: {
          ":next": nextDueAtSeconds,
          ":one": 1,
          ":delete": DUE_DELETIONS_SHARD,
          ":seen": deletion.dueAtSeconds,
        },
      }).map((written) => written !== undefined);
    },
    recordDeleted(scanRef, deletedAt) {
      return whileQueued(scanRef, "SET deletedAt = :at", { ":at": deletedAt });
    },
    close(scanRef, deletedAt) {
      return whileQueued(scanRef, "SET deletedAt = :at REMOVE #shard, #due", { ":at": deletedAt });
    },
    giveUp(scanRef, nowMs) {
      return whileQueued(scanRef, "SET deleteGaveUpAt = :at REMOVE #shard, #due", {
        ":at": new Date(nowMs).toISOString(),
      });
    },
  };
}

/** An index item as a DueDeletion; one this module cannot read (no scanRef) is skipped. */
function toDueDeletion(item: Record<string, unknown>): DueDeletion[] {
  const scan = readScanItem(item);
  if (scan === undefined) return [];
  const { number, text } = scan;
  const deletedAt = text("deletedAt");
  return [
    {
      scanRef: scan.scanRef,
      requestId: text("requestId"),
      clientId: text("clientId"),
      tokenExpiresAtMs: number("tokenExpiresAt") * 1000,
      dueAtSeconds: number(OPEN_SESSIONS_DUE_ATTRIBUTE),
      attempts: number("deleteAttempts"),
      ...(deletedAt === "" ? {} : { deletedAt }),
    },
  ];
}
