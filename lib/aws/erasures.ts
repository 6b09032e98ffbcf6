import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import { fromAwsPromise, isConditionalCheckFailed, type AwsError } from "./aws-error";
import { ERASED_SESSION_STATUS } from "./session-store";
import {
  CLIENT_SESSIONS_ATTRIBUTE,
  CLIENT_SESSIONS_INDEX,
  OPEN_SESSIONS_DUE_ATTRIBUTE,
  OPEN_SESSIONS_SHARD_ATTRIBUTE,
  readStateItem,
  stateKey,
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
   * ID's deletion, so a redelivery does not ask again.
   */
  forget(session: ErasableSession, nowMs: number, deletedAt?: string): ResultAsync<void, AwsError>;
}

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
      const ifPresent = (write: ResultAsync<unknown, AwsError>) =>
        write
          .map(() => undefined)
          .orElse((error) => (isConditionalCheckFailed(error) ? okAsync(undefined) : errAsync(error)));
      const update = (input: Omit<ConstructorParameters<typeof UpdateCommand>[0], "TableName">) =>
        ifPresent(
          fromAwsPromise("dynamodb", "UpdateItem", () =>
            table.doc.send(
              new UpdateCommand({
                TableName: table.tableName,
                ConditionExpression: "attribute_exists(pk)",
                ...input,
              }),
            ),
          ),
        );
      // The tombstone first: once the scan# item is cleared, the session can only be found again
      // through its requestId, and that must then say "erased".
      const tombstone =
        session.requestId === ""
          ? okAsync(undefined)
          : update({
              Key: { pk: stateKey("session", session.requestId) },
              UpdateExpression:
                "SET #status = :erased, erasedAt = :at REMOVE #session, fingerprint, claimId, leaseUntil",
              ExpressionAttributeNames: { "#status": "status", "#session": "session" },
              ExpressionAttributeValues: { ":erased": ERASED_SESSION_STATUS, ":at": at },
            });
      return tombstone.andThen(() =>
        update({
          Key: { pk: stateKey("scan", session.scanRef) },
          UpdateExpression:
            `SET erasedAt = :at${deletedAt === undefined ? "" : ", deletedAt = :deleted"} ` +
            "REMOVE clientId, requestId, #shard, #due",
          ExpressionAttributeNames: {
            "#shard": OPEN_SESSIONS_SHARD_ATTRIBUTE,
            "#due": OPEN_SESSIONS_DUE_ATTRIBUTE,
          },
          ExpressionAttributeValues: {
            ":at": at,
            ...(deletedAt === undefined ? {} : { ":deleted": deletedAt }),
          },
        }),
      );
    },
  };
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
