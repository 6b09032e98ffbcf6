import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { ResultAsync } from "neverthrow";
import { fromAwsPromise, type AwsError } from "./aws-error";
import { isExpired, readStateItem, stateKey, toEpochSeconds, type StateTable } from "./state-table";

/*
 * Webhook deduplication (design.md §4.1): Mark ID resends a result until it gets a 2xx, and a
 * duplicate is a delivery with the same scanRef, `final` and overall status. The flow checks
 * `isDelivered`, publishes, and only then `markDelivered` — so a resend after a failed publish is
 * processed again. Two concurrent deliveries of one result may both publish: subscribers get
 * at-least-once events either way (SNS itself is at-least-once), and an unconditional mark keeps
 * this store a single cheap write.
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

export interface DeliveryStore {
  isDelivered(key: string): ResultAsync<boolean, AwsError>;
  markDelivered(key: string, ttlSeconds: number): ResultAsync<void, AwsError>;
}

export interface DeliveryStoreOptions {
  readonly table: StateTable;
  /** Clock in epoch milliseconds; injected by tests. */
  readonly now?: () => number;
}

export function createDeliveryStore(options: DeliveryStoreOptions): DeliveryStore {
  const { table } = options;
  const now = options.now ?? Date.now;
  const pk = (key: string) => stateKey("delivery", key);

  return {
    isDelivered(key) {
      return readStateItem(table, pk(key)).map((item) => item !== undefined && !isExpired(item, now()));
    },
    markDelivered(key, ttlSeconds) {
      const at = now();
      return fromAwsPromise("dynamodb", "PutItem", () =>
        table.doc.send(
          new PutCommand({
            TableName: table.tableName,
            Item: {
              pk: pk(key),
              deliveredAt: new Date(at).toISOString(),
              expiresAt: toEpochSeconds(at) + ttlSeconds,
            },
          }),
        ),
      ).map(() => undefined);
    },
  };
}
