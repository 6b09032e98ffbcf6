import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import type { AlertType } from "../messages";
import { fromAwsPromise, isConditionalCheckFailed, type AwsError } from "./aws-error";
import { readStateItem, stateKey, toEpochSeconds, type StateTable } from "./state-table";

/*
 * One firing alert per type per window across every container (design.md §4.3), decided by
 * conditional writes on item `alert#<type>`:
 *
 *   no item, resolved, unsent, or window over --recordOccurrence--> firing, count 1   (fire)
 *   firing within its window               --recordOccurrence--> count + 1          (folded)
 *   firing                                  --resolve--> resolved                    (send resolved, once)
 *   firing (publish failed)                 --undoFire--> unsent                     (next occurrence fires)
 *   resolved (publish failed)               --undoResolve--> firing                  (next clear resolves)
 *
 * A condition that persists past its window fires again in the next one: a reminder, not spam.
 */

interface Occurrence {
  /** This caller opened the window: it sends the firing alert. */
  readonly fire: boolean;
  /** Occurrences in the current window, this one included. */
  readonly count: number;
  /** ISO-8601 start of the current window; also identifies it. */
  readonly firstSeen: string;
}

type Resolution =
  /** This caller closed the alert: it sends the resolved alert. */
  | { readonly sendResolved: true; readonly count: number; readonly firstSeen: string }
  /** Nothing was firing, or another caller resolved it. */
  | { readonly sendResolved: false };

export interface AlertStateStore {
  recordOccurrence(
    type: AlertType,
    options: { readonly windowSeconds: number; readonly now: number },
  ): ResultAsync<Occurrence, AwsError>;
  resolve(type: AlertType, options: { readonly now: number }): ResultAsync<Resolution, AwsError>;
  /** Firing within its window; a window that ran out no longer counts (callers probe again). */
  isFiring(type: AlertType, options: { readonly now: number }): ResultAsync<boolean, AwsError>;
  /** The firing alert of window `firstSeen` was not sent: forget it, so the next occurrence fires. */
  undoFire(type: AlertType, firstSeen: string): ResultAsync<void, AwsError>;
  /** The resolved alert of window `firstSeen` was not sent: firing again, so the next clear sends it. */
  undoResolve(type: AlertType, firstSeen: string): ResultAsync<void, AwsError>;
}

const STATE = { firing: "firing", resolved: "resolved", unsent: "unsent" } as const;
/**
 * How long an alert item outlives its window, or its resolution (DynamoDB TTL): it holds no
 * personal data, only a type, a state and counts, but no item kind lives for ever (data-protection
 * .md). 30 days keeps a resolved episode readable for a post-mortem; a condition that persists
 * opens a new window, and with it a new expiry, before that.
 */
const ALERT_RETENTION_SECONDS = 30 * 24 * 60 * 60;

/** Open-window attempts against concurrent writers before giving up with the last conflict. */
const MAX_ROUNDS = 3;

const NAMES = { "#state": "state", "#count": "count" };

export function createAlertStateStore(options: { readonly table: StateTable }): AlertStateStore {
  const { table } = options;
  const pk = (type: AlertType) => stateKey("alert", type);

  const update = (input: Omit<ConstructorParameters<typeof UpdateCommand>[0], "TableName">) =>
    fromAwsPromise("dynamodb", "UpdateItem", () =>
      table.doc.send(new UpdateCommand({ TableName: table.tableName, ...input })),
    );

  const ignoreConflict = (result: ResultAsync<unknown, AwsError>): ResultAsync<void, AwsError> =>
    result
      .map(() => undefined)
      .orElse((error) => (isConditionalCheckFailed(error) ? okAsync(undefined) : errAsync(error)));

  const record = (
    type: AlertType,
    windowSeconds: number,
    now: number,
    round: number,
  ): ResultAsync<Occurrence, AwsError> => {
    const firstSeen = new Date(now).toISOString();
    const openWindow = update({
      Key: { pk: pk(type) },
      UpdateExpression:
        "SET #state = :firing, #count = :one, firstSeen = :firstSeen, windowStart = :now, windowEnd = :windowEnd, expiresAt = :expiresAt REMOVE resolvedAt",
      ConditionExpression: "attribute_not_exists(pk) OR #state <> :firing OR windowEnd <= :now",
      ExpressionAttributeNames: NAMES,
      ExpressionAttributeValues: {
        ":firing": STATE.firing,
        ":one": 1,
        ":firstSeen": firstSeen,
        ":now": now,
        ":windowEnd": now + windowSeconds * 1000,
        ":expiresAt": toEpochSeconds(now + windowSeconds * 1000) + ALERT_RETENTION_SECONDS,
      },
    }).map((): Occurrence => ({ fire: true, count: 1, firstSeen }));

    return openWindow.orElse((error) => {
      if (!isConditionalCheckFailed(error)) return errAsync(error);
      return update({
        Key: { pk: pk(type) },
        UpdateExpression: "ADD #count :one",
        ConditionExpression: "#state = :firing AND windowEnd > :now",
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ":firing": STATE.firing, ":one": 1, ":now": now },
        ReturnValues: "ALL_NEW",
      })
        .map((output): Occurrence => ({
          fire: false,
          count: numberOr(output.Attributes?.["count"], 1),
          firstSeen: stringOr(output.Attributes?.["firstSeen"], firstSeen),
        }))
        .orElse((foldError) =>
          // The window closed (or was undone/resolved) between our two writes: try to open one.
          isConditionalCheckFailed(foldError) && round + 1 < MAX_ROUNDS
            ? record(type, windowSeconds, now, round + 1)
            : errAsync(foldError),
        );
    });
  };

  return {
    recordOccurrence(type, { windowSeconds, now }) {
      return record(type, windowSeconds, now, 0);
    },

    resolve(type, { now }) {
      // A read first: most calls find nothing firing, and a read costs less than a refused write.
      return readStateItem(table, pk(type)).andThen((item): ResultAsync<Resolution, AwsError> => {
        if (item?.["state"] !== STATE.firing) return okAsync({ sendResolved: false });
        return update({
          Key: { pk: pk(type) },
          UpdateExpression: "SET #state = :resolved, resolvedAt = :resolvedAt, expiresAt = :expiresAt",
          ConditionExpression: "#state = :firing",
          ExpressionAttributeNames: { "#state": "state" },
          ExpressionAttributeValues: {
            ":firing": STATE.firing,
            ":resolved": STATE.resolved,
            ":resolvedAt": new Date(now).toISOString(),
            ":expiresAt": toEpochSeconds(now) + ALERT_RETENTION_SECONDS,
          },
          ReturnValues: "ALL_NEW",
        })
          .map((output): Resolution => ({
            sendResolved: true,
            count: numberOr(output.Attributes?.["count"], 1),
            firstSeen: stringOr(output.Attributes?.["firstSeen"], new Date(now).toISOString()),
          }))
          .orElse((error) =>
            isConditionalCheckFailed(error) ? okAsync({ sendResolved: false } as const) : errAsync(error),
          );
      });
    },

    isFiring(type, { now }) {
      return readStateItem(table, pk(type)).map(
        (item) =>
          item?.["state"] === STATE.firing &&
          typeof item["windowEnd"] === "number" &&
          item["windowEnd"] > now,
      );
    },

    undoFire(type, firstSeen) {
      return ignoreConflict(
        update({
          Key: { pk: pk(type) },
          UpdateExpression: "SET #state = :unsent",
          ConditionExpression: "#state = :firing AND firstSeen = :firstSeen",
          ExpressionAttributeNames: { "#state": "state" },
          ExpressionAttributeValues: {
            ":firing": STATE.firing,
            ":unsent": STATE.unsent,
            ":firstSeen": firstSeen,
          },
        }),
      );
    },

    undoResolve(type, firstSeen) {
      return ignoreConflict(
        update({
          Key: { pk: pk(type) },
          UpdateExpression: "SET #state = :firing REMOVE resolvedAt",
          ConditionExpression: "#state = :resolved AND firstSeen = :firstSeen",
          ExpressionAttributeNames: { "#state": "state" },
          ExpressionAttributeValues: {
            ":firing": STATE.firing,
            ":resolved": STATE.resolved,
            ":firstSeen": firstSeen,
          },
        }),
      );
    },
  };
}

const numberOr = (value: unknown, fallback: number): number => (typeof value === "number" ? value : fallback);
const stringOr = (value: unknown, fallback: string): string => (typeof value === "string" ? value : fallback);
