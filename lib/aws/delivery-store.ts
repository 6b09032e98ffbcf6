import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import { fromAwsPromise, isConditionalCheckFailed, type AwsError } from "./aws-error";
import {
  isExpired,
  leasedClaimCondition,
  readStateItem,
  stateKey,
  toEpochSeconds,
  type StateTable,
} from "./state-table";

/*
 * Webhook deduplication (design.md §4.1): Mark ID resends a result until it gets a 2xx, and a
 * duplicate is a delivery with the same scanRef, `final` and overall status, whether it comes later
 * or at the same moment as the first. A delivery is claimed with one conditional write before its
 * event is published, so of concurrent copies exactly one publishes; it is marked delivered only
 * once the event is out, and a failed publish releases the claim, so a resend is processed again.
 *
 * Item `delivery#<key>`: (absent) --claim--> publishing {leaseUntil} --markDelivered--> delivered;
 * publishing --release--> (absent); a publishing claim past its lease (the holder died) or any item
 * past its TTL may be claimed again.
 */

export interface DeliveryIdentity {
  readonly scanRef: string;
  readonly final: boolean;
  readonly overall: string;
}

/** The dedup key of a webhook delivery; JSON so no separator inside a value can collide. */
export function deliveryKey(delivery: DeliveryIdentity): string {
  return JSON.stringify([delivery.scanRef, delivery.final, delivery.overall]);
}

/** What a claim found: ours to publish, published already, or being published by another call. */
type DeliveryClaim = "claimed" | "delivered" | "in-progress";

export interface DeliveryStore {
  claim(key: string): ResultAsync<DeliveryClaim, AwsError>;
  markDelivered(key: string, ttlSeconds: number): ResultAsync<void, AwsError>;
  /** Drops our claim after a failed publish, so the resend publishes. */
  release(key: string): ResultAsync<void, AwsError>;
}

export interface DeliveryStoreOptions {
  readonly table: StateTable;
  /** Clock in epoch milliseconds; injected by tests. */
  readonly now?: () => number;
}

/**
 * Longer than the publisher can run (its timeout is 30 s, serverless.yml), so a live holder is
 * never overtaken by a copy of its delivery (which would publish it twice); far shorter than the
 * results queue's visibility timeout, so the redelivery of a holder that died finds it free.
 */
export const DELIVERY_CLAIM_LEASE_MS = 40_000;

const STATUS = { publishing: "publishing", delivered: "delivered" } as const;

export function createDeliveryStore(options: DeliveryStoreOptions): DeliveryStore {
  const { table } = options;
  const now = options.now ?? Date.now;
  const pk = (key: string) => stateKey("delivery", key);

  const put = (key: string, at: number) => {
    const leaseUntil = at + DELIVERY_CLAIM_LEASE_MS;
    return fromAwsPromise("dynamodb", "PutItem", () =>
      table.doc.send(
        new PutCommand({
          TableName: table.tableName,
          Item: { pk: pk(key), status: STATUS.publishing, leaseUntil, expiresAt: toEpochSeconds(leaseUntil) },
          ...leasedClaimCondition(STATUS.publishing, at),
        }),
      ),
    );
  };

  return {
    claim(key) {
      const at = now();
      return put(key, at)
        .map((): DeliveryClaim => "claimed")
        .orElse((error) => {
          if (!isConditionalCheckFailed(error)) return errAsync(error);
          // Someone holds the item: read what it holds (no ReturnValuesOnConditionCheckFailure in
          // dynalite). An item that went away in between is being handled by someone: in progress.
          return readStateItem(table, pk(key)).map((item): DeliveryClaim => {
            if (item === undefined || isExpired(item, at)) return "in-progress";
            // Items written before claims existed carry no status: they were delivered.
            return item["status"] === STATUS.publishing ? "in-progress" : "delivered";
          });
        });
    },
    markDelivered(key, ttlSeconds) {
      const at = now();
      return fromAwsPromise("dynamodb", "PutItem", () =>
        table.doc.send(
          new PutCommand({
            TableName: table.tableName,
            Item: {
              pk: pk(key),
              status: STATUS.delivered,
              deliveredAt: new Date(at).toISOString(),
              expiresAt: toEpochSeconds(at) + ttlSeconds,
            },
          }),
        ),
      ).map(() => undefined);
    },
    release(key) {
      return fromAwsPromise("dynamodb", "DeleteItem", () =>
        table.doc.send(
          new DeleteCommand({
            TableName: table.tableName,
            Key: { pk: pk(key) },
            ConditionExpression: "#status = :publishing",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":publishing": STATUS.publishing },
          }),
        ),
      )
        .map(() => undefined)
        .orElse((error) => (isConditionalCheckFailed(error) ? okAsync(undefined) : errAsync(error)));
    },
  };
}
