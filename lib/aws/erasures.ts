import { DeleteCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import { fromAwsPromise, isConditionalCheckFailed, type AwsError } from "./aws-error";
import {
  CLIENT_SESSIONS_ATTRIBUTE,
  CLIENT_SESSIONS_INDEX,
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
 * Erasing a session deletes its `session#` item and takes the clientId and requestId off its
 * `scan#` item, which leaves the index with them. The `scan#` item itself stays: its sequence
 * counter keeps a late result's number above those already published, and its place in the
 * reconciler's or the deletion queue's shard (without personal data) lets those finish.
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
   * Deletes the session's `session#` item and takes the personal fields off its `scan#` item;
   * `deletedAt` records Mark ID's deletion, so a redelivery does not ask again.
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
      const dropSession =
        session.requestId === ""
          ? okAsync(undefined)
          : fromAwsPromise("dynamodb", "DeleteItem", () =>
              table.doc.send(
                new DeleteCommand({
                  TableName: table.tableName,
                  Key: { pk: stateKey("session", session.requestId) },
                }),
              ),
            ).map(() => undefined);
      return dropSession.andThen(() =>
        fromAwsPromise("dynamodb", "UpdateItem", () =>
          table.doc.send(
            new UpdateCommand({
              TableName: table.tableName,
              Key: { pk: stateKey("scan", session.scanRef) },
              UpdateExpression: `SET erasedAt = :at${deletedAt === undefined ? "" : ", deletedAt = :deleted"} REMOVE clientId, requestId`,
              // Never creates an item: one deleted meanwhile (TTL) has nothing left to erase.
              ConditionExpression: "attribute_exists(pk)",
              ExpressionAttributeValues: {
                ":at": new Date(nowMs).toISOString(),
                ...(deletedAt === undefined ? {} : { ":deleted": deletedAt }),
              },
            }),
          ),
        )
          .map(() => undefined)
          .orElse((error) => (isConditionalCheckFailed(error) ? okAsync(undefined) : errAsync(error))),
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
