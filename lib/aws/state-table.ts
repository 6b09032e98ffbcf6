import type { CreateTableCommandInput, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import { fromAwsPromise, isConditionalCheckFailed, type AwsError } from "./aws-error";

/*
 * One DynamoDB table (STATE_TABLE) holds every piece of shared state, one item per key:
 *   session#<requestId>   idempotency of verification requests   (session-store.ts)
 *   delivery#<key>        webhook deliveries already published    (delivery-store.ts)
 *   alert#<type>          the open alert window of each type      (alert-state.ts)
 *   scan#<scanRef>        a session's results: its sequence counter, and while no final result
 *                         has been published, its place in the reconciler's index; after it,
 *                         when retention at Mark ID is on, its place in the deletion queue
 *                         (result-sequence.ts, open-sessions.ts, due-deletions.ts)
 *   erasure#<messageId>   the sessions one erasure request has erased (erasures.ts)
 *   erased-client#<hash>  a person erased by clientId, as a hash (erased-clients.ts)
 * Every write is a single-item conditional write: no transactions, which the local DynamoDB
 * (dynalite) does not implement and which the state does not need.
 *
 * The first secondary index, OPEN_SESSIONS_INDEX, is sparse: only `scan#` items of sessions still
 * waiting for a final result carry its keys, so the reconciler reads the due ones in order of
 * `reconcileAt` without scanning the table. Its partition key holds one of two values: "open" for
 * those sessions, "delete" for finished ones whose verification data is to be deleted at Mark ID
 * once the retention period has passed (MARKID_RETENTION_SECONDS). Either set numbers in the
 * thousands (the account's rate limit bounds how many sessions are made), far below what one
 * index partition serves.
 *
 * The second, CLIENT_SESSIONS_INDEX (right to erasure, issue 16), is sparse too: keyed by
 * `clientId`, which only `scan#` items carry (open-sessions.ts writes it with the session), so a
 * person's sessions are found from their clientId without a scan. An erased session's item loses
 * its clientId, and with it its place in this index.
 */
const STATE_TABLE_PARTITION_KEY = "pk";
/** DynamoDB TTL attribute, epoch seconds. DynamoDB deletes late (up to days): readers check it too. */
const STATE_TABLE_TTL_ATTRIBUTE = "expiresAt";

export type StateItemKind = "session" | "delivery" | "alert" | "scan" | "erasure" | "erased-client";

const OPEN_SESSIONS_INDEX = "open-sessions";
/** The index's partition key and its one value, present only while a session is open. */
const OPEN_SESSIONS_SHARD_ATTRIBUTE = "reconcileShard";
export const OPEN_SESSIONS_SHARD = "open";
/** The index's other partition: finished sessions whose data is to be deleted at Mark ID. */
export const DUE_DELETIONS_SHARD = "delete";
/** The index from a person's clientId to the `scan#` items of their sessions; its partition key. */
export const CLIENT_SESSIONS_INDEX = "client-sessions";
export const CLIENT_SESSIONS_ATTRIBUTE = "clientId";
/** The index's sort key: epoch seconds at which the reconciler should next ask about (or delete) the session. */
export const OPEN_SESSIONS_DUE_ATTRIBUTE = "reconcileAt";

export interface StateTable {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
}

export interface StateTableOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

export function createStateTable(options: StateTableOptions): StateTable {
  return {
    doc: DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: options.tableName,
  };
}

export const stateKey = (kind: StateItemKind, id: string): string => `${kind}#${id}`;

export const toEpochSeconds = (epochMs: number): number => Math.ceil(epochMs / 1000);

/** The table as serverless.yml declares it (minus TTL and encryption), for tests and local provisioning. */
export function stateTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: STATE_TABLE_PARTITION_KEY, AttributeType: "S" },
      { AttributeName: OPEN_SESSIONS_SHARD_ATTRIBUTE, AttributeType: "S" },
      { AttributeName: OPEN_SESSIONS_DUE_ATTRIBUTE, AttributeType: "N" },
      { AttributeName: CLIENT_SESSIONS_ATTRIBUTE, AttributeType: "S" },
    ],
    KeySchema: [{ AttributeName: STATE_TABLE_PARTITION_KEY, KeyType: "HASH" }],
    GlobalSecondaryIndexes: [
      {
        IndexName: OPEN_SESSIONS_INDEX,
        KeySchema: [
          { AttributeName: OPEN_SESSIONS_SHARD_ATTRIBUTE, KeyType: "HASH" },
          { AttributeName: OPEN_SESSIONS_DUE_ATTRIBUTE, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
      {
        IndexName: CLIENT_SESSIONS_INDEX,
        KeySchema: [{ AttributeName: CLIENT_SESSIONS_ATTRIBUTE, KeyType: "HASH" }],
        Projection: { ProjectionType: "KEYS_ONLY" },
      },
    ],
    BillingMode: "PAY_PER_REQUEST",
  };
}

/** A strongly consistent read: the stores decide races on what they read here. */
export function readStateItem(
  table: StateTable,
  pk: string,
): ResultAsync<Record<string, unknown> | undefined, AwsError> {
  return fromAwsPromise("dynamodb", "GetItem", () =>
    table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk }, ConsistentRead: true })),
  ).map((output) => output.Item);
}

/**
 * One conditional UpdateItem whose failed condition is an answer, not an error: the item moved on
 * (another run claimed it, it was closed, erased, or is gone), and the write did not happen, which
 * is `undefined`. Otherwise the attributes `ReturnValues` asked for ({} when none). Shared by the
 * stores of `scan#` items, whose writes all race with another function's.
 */
export function updateIfStill(
  table: StateTable,
  input: Omit<UpdateCommandInput, "TableName">,
): ResultAsync<Record<string, unknown> | undefined, AwsError> {
  return fromAwsPromise("dynamodb", "UpdateItem", () =>
    table.doc.send(new UpdateCommand({ TableName: table.tableName, ...input })),
  )
    .map((output): Record<string, unknown> | undefined => output.Attributes ?? {})
    .orElse((error) => (isConditionalCheckFailed(error) ? okAsync(undefined) : errAsync(error)));
}

/** The index's two key attributes, as the `#shard` and `#due` names of an expression. */
export const SHARD_NAMES = {
  "#shard": OPEN_SESSIONS_SHARD_ATTRIBUTE,
  "#due": OPEN_SESSIONS_DUE_ATTRIBUTE,
} as const;

/** An item DynamoDB has not deleted yet although its TTL has passed counts as absent. */
export function isExpired(item: Record<string, unknown>, nowMs: number): boolean {
  const expiresAt = item[STATE_TABLE_TTL_ATTRIBUTE];
  return typeof expiresAt === "number" && expiresAt * 1000 <= nowMs;
}

/**
 * The condition of a leased claim's PutItem, shared by the stores that claim an item before work
 * only one caller may do: the item is absent, past its TTL, or still `heldStatus` with a lease that
 * lapsed (its holder died). `also` narrows the lapsed case (a names/values pair of its own).
 */
export function leasedClaimCondition(
  heldStatus: string,
  nowMs: number,
  also?: { readonly expression: string; readonly values: Readonly<Record<string, unknown>> },
) {
  const lapsed = `#status = :held AND leaseUntil < :now${also === undefined ? "" : ` AND ${also.expression}`}`;
  return {
    ConditionExpression: `attribute_not_exists(pk) OR expiresAt <= :nowSeconds OR (${lapsed})`,
    ExpressionAttributeNames: { "#status": "status" },
    ExpressionAttributeValues: {
      ":nowSeconds": Math.floor(nowMs / 1000),
      ":held": heldStatus,
      ":now": nowMs,
      ...also?.values,
    },
  };
}

/**
 * The items of one shard of OPEN_SESSIONS_INDEX due by `nowMs`, the longest overdue first, at most
 * `limit` (an eventually consistent read: the stores claim each with a conditional write). Shared
 * by the reconciler's open sessions and the retention's due deletions.
 */
export function queryDueInShard(
  table: StateTable,
  shard: string,
  nowMs: number,
  limit: number,
): ResultAsync<readonly Record<string, unknown>[], AwsError> {
  return fromAwsPromise("dynamodb", "Query", () =>
    table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: OPEN_SESSIONS_INDEX,
        KeyConditionExpression: "#shard = :shard AND #due <= :now",
        ExpressionAttributeNames: {
          "#shard": OPEN_SESSIONS_SHARD_ATTRIBUTE,
          "#due": OPEN_SESSIONS_DUE_ATTRIBUTE,
        },
        ExpressionAttributeValues: { ":shard": shard, ":now": Math.floor(nowMs / 1000) },
        Limit: limit,
      }),
    ),
  ).map((output) => output.Items ?? []);
}

/** A `scan#<scanRef>` item as read back: its scanRef, and its fields read leniently (0 or ""). */
export interface ScanItemReader {
  readonly scanRef: string;
  readonly number: (name: string) => number;
  readonly text: (name: string) => string;
}

/** The reader of a `scan#` item; undefined for any other item (one no store of ours wrote). */
export function readScanItem(item: Record<string, unknown>): ScanItemReader | undefined {
  const key = item["pk"];
  const prefix = stateKey("scan", "");
  if (typeof key !== "string" || !key.startsWith(prefix)) return undefined;
  return {
    scanRef: key.slice(prefix.length),
    number: (name) => {
      const value = item[name];
      return typeof value === "number" ? value : 0;
    },
    text: (name) => {
      const value = item[name];
      return typeof value === "string" ? value : "";
    },
  };
}
