import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { okAsync, type ResultAsync } from "neverthrow";
import { fromAwsPromise, type AwsError } from "./aws-error";
import type { ErasedSession } from "../messages";
import { ERASED_SESSION_STATUS } from "./session-store";
import {
  CLIENT_SESSIONS_ATTRIBUTE,
  CLIENT_SESSIONS_INDEX,
  readStateItem,
  SHARD_NAMES,
  stateKey,
  toEpochSeconds,
  updateIfStill,
  type StateTable,
} from "./state-table";

/*
 * What the project holds about a person, for the right to erasure (issue 16). A person is known
 * here by the clientId of their requests; it is kept on two items per session:
 *
 *   scan#<scanRef>       requestId, clientId, token expiry (open-sessions.ts), the result sequence
 *   session#<requestId>  the session as made: scanRef, authToken, redirectUrl, clientId
 *
 * The lookup from a clientId to its scanRefs is the sparse CLIENT_SESSIONS_INDEX (state-table.ts):
 * only `scan#` items carry a clientId attribute, so the index holds exactly those, keyed by it.
 * Erasing a session leaves on each of its two items only what keeps the erasure in force, and
 * nothing that names the person (design.md §4.6):
 *
 *   session#<requestId>  a tombstone: `status: "erased"`, no session, no fingerprint (a hash of the
 *                        request). A redelivered or repeated request for the requestId is refused
 *                        (verification.failed "erased") instead of making a new token and storing
 *                        the person again. It expires when the session item would have.
 *   scan#<scanRef>       `erasedAt`, the sequence counter; no clientId or requestId (so it leaves
 *                        the client-sessions index), and out of the reconciler's and the deletion
 *                        queue's shards: nobody asks Mark ID about the session again, and a result
 *                        that still arrives for it is not published (result-sequence.ts).
 *
 * Once a session has left the index, an erasure by clientId cannot find it again; yet the delivery
 * that erased it may fail to publish its `verification.erased` (SNS down), and the redelivery must
 * still report it. So each erased session is first noted on the request's own item,
 *
 *   erasure#<messageId>  the sessions this erasure request erased: scanRef and outcome only, kept
 *                        as long as the erasures queue keeps a message (14 days)
 *
 * and every delivery of the request reports those with the ones it erases itself.
 */

/** One session of a person, as its `scan#` item holds it. */
export interface ErasableSession {
  readonly scanRef: string;
  /** "" when the item has none (a session this deployment did not create, or already erased). */
  readonly requestId: string;
  readonly clientId: string;
  /** Epoch milliseconds the token expires (Mark ID refuses a deletion before); 0 when unknown. */
  readonly tokenExpiresAtMs: number;
  /** Set once Mark ID deleted its data (retention, due-deletions.ts, or an erasure). */
  readonly deletedAt?: string;
}

export interface ErasureStore {
  /** The scanRefs of a person's sessions still holding their clientId (an eventually consistent read). */
  scanRefsOf(clientId: string): ResultAsync<readonly string[], AwsError>;
  /** A session's `scan#` item; `undefined` when the table holds none. */
  sessionOf(scanRef: string): ResultAsync<ErasableSession | undefined, AwsError>;
  /**
   * Turns the session's `session#` item into a tombstone and takes the personal fields off its
   * `scan#` item, closing it for the reconciler and the deletion queue; `deletedAt` records Mark
   * ID's deletion, so a redelivery does not ask again. Gives the highest `sequence` any of the
   * session's results drew (0: none): a result published after the erasure has one no higher.
   */
  forget(
    session: ErasableSession,
    nowMs: number,
    deletedAt?: string,
  ): ResultAsync<{ readonly lastSequence: number }, AwsError>;
  /** The sessions earlier deliveries of the erasure request `messageId` erased (recordErased). */
  erasedBy(messageId: string): ResultAsync<readonly ErasedSession[], AwsError>;
  /** Notes a session as erased by the request `messageId`; made before `forget`, so never lost. */
  recordErased(messageId: string, session: ErasedSession, nowMs: number): ResultAsync<void, AwsError>;
}

/** How long an erasure request's record is kept: the erasures queue's retention, past its last delivery. */
const ERASURE_RECORD_SECONDS = 14 * 24 * 60 * 60;

/** Index pages read for one person at most: far more sessions than one person makes. */
const MAX_PAGES = 20;

export function createErasureStore({ table }: { readonly table: StateTable }): ErasureStore {
  const queryPage = (clientId: string, start: Record<string, unknown> | undefined) =>
    fromAwsPromise("dynamodb", "Query", () =>
      table.doc.send(
        new QueryCommand({
          TableName: table.tableName,
          IndexName: CLIENT_SESSIONS_INDEX,
          KeyConditionExpression: "#client = :client",
          ExpressionAttributeNames: { "#client": CLIENT_SESSIONS_ATTRIBUTE },
          ExpressionAttributeValues: { ":client": clientId },
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      ),
    );

  const collect = (
    clientId: string,
    found: string[],
    start: Record<string, unknown> | undefined,
    page: number,
  ): ResultAsync<readonly string[], AwsError> =>
    queryPage(clientId, start).andThen((output) => {
      found.push(...(output.Items ?? []).flatMap(scanRefOf));
      const next = output.LastEvaluatedKey;
      return next === undefined || page + 1 >= MAX_PAGES
        ? okAsync(found)
        : collect(clientId, found, next, page + 1);
    });

  return {
    scanRefsOf: (clientId) => collect(clientId, [], undefined, 0).map((refs) => [...new Set(refs)].sort()),
    sessionOf: (scanRef) =>
      readStateItem(table, stateKey("scan", scanRef)).map((item) =>
        item === undefined ? undefined : toSession(scanRef, item),
      ),
    forget(session, nowMs, deletedAt) {
      const at = new Date(nowMs).toISOString();
      // Never creates an item: one deleted meanwhile (TTL) has nothing left to erase.
      const ifPresent = "attribute_exists(pk)";
      // The tombstone first: once the scan# item is cleared, the session can only be found again
      // through its requestId, and that must then say "erased".
      const tombstone =
        session.requestId === ""
          ? okAsync(undefined)
          : updateIfStill(table, {
              Key: { pk: stateKey("session", session.requestId) },
              UpdateExpression:
                "SET #status = :erased, erasedAt = :at REMOVE #session, fingerprint, claimId, leaseUntil",
              ConditionExpression: ifPresent,
              ExpressionAttributeNames: { "#status": "status", "#session": "session" },
              ExpressionAttributeValues: { ":erased": ERASED_SESSION_STATUS, ":at": at },
            });
      return tombstone.andThen(() =>
        updateIfStill(table, {
          Key: { pk: stateKey("scan", session.scanRef) },
          // The counter as the erasure left it: no result draws a number after erasedAt is set.
          ReturnValues: "ALL_NEW",
          UpdateExpression:
            `SET erasedAt = :at${deletedAt === undefined ? "" : ", deletedAt = :deleted"} ` +
            "REMOVE clientId, requestId, #shard, #due",
          ConditionExpression: ifPresent,
          ExpressionAttributeNames: SHARD_NAMES,
          ExpressionAttributeValues: {
            ":at": at,
            ...(deletedAt === undefined ? {} : { ":deleted": deletedAt }),
          },
        }).map((item) => ({ lastSequence: typeof item?.["sequence"] === "number" ? item["sequence"] : 0 })),
      );
    },
    erasedBy(messageId) {
      return readStateItem(table, stateKey("erasure", messageId)).map((item) => {
        const sessions = item?.["sessions"];
        return Array.isArray(sessions) ? sessions.flatMap(toErasedSession) : [];
      });
    },
    recordErased(messageId, session, nowMs) {
      return fromAwsPromise("dynamodb", "UpdateItem", () =>
        table.doc.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: { pk: stateKey("erasure", messageId) },
            // Appended: a redelivery that erases it again adds a second entry, which erasedBy's
            // readers fold by scanRef.
            UpdateExpression:
              "SET sessions = list_append(if_not_exists(sessions, :none), :one), expiresAt = :ttl",
            ExpressionAttributeValues: {
              ":none": [],
              ":one": [
                {
                  scanRef: session.scanRef,
                  markId: session.markId,
                  erasedHere: session.erasedHere,
                  ...(session.identifier === undefined ? {} : { identifier: session.identifier }),
                },
              ],
              ":ttl": toEpochSeconds(nowMs) + ERASURE_RECORD_SECONDS,
            },
          }),
        ),
      ).map(() => undefined);
    },
  };
}

const MARK_ID_OUTCOMES: ReadonlySet<string> = new Set<ErasedSession["markId"]>([
  "deleted",
  "already-deleted",
  "refused",
  "not-yet",
  "unavailable",
]);

function toErasedSession(entry: unknown): ErasedSession[] {
  if (typeof entry !== "object" || entry === null) return [];
  const { scanRef, markId, erasedHere, identifier } = entry as Record<string, unknown>;
  if (typeof scanRef !== "string" || typeof markId !== "string" || !MARK_ID_OUTCOMES.has(markId)) return [];
  return [
    {
      scanRef,
      markId: markId as ErasedSession["markId"],
      erasedHere: erasedHere === true,
      ...(typeof identifier === "string" ? { identifier } : {}),
    },
  ];
}

function scanRefOf(item: Record<string, unknown>): string[] {
  const key = item["pk"];
  const prefix = stateKey("scan", "");
  return typeof key === "string" && key.startsWith(prefix) ? [key.slice(prefix.length)] : [];
}

function toSession(scanRef: string, item: Record<string, unknown>): ErasableSession {
  const text = (name: string) => {
    const value = item[name];
    return typeof value === "string" ? value : "";
  };
  const expiresAt = item["tokenExpiresAt"];
  const deletedAt = text("deletedAt");
  return {
    scanRef,
    requestId: text("requestId"),
    clientId: text("clientId"),
    tokenExpiresAtMs: typeof expiresAt === "number" ? expiresAt * 1000 : 0,
    ...(deletedAt === "" ? {} : { deletedAt }),
  };
}
