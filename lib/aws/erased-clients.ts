import { createHash } from "node:crypto";
import type { ResultAsync } from "neverthrow";
import type { AwsError } from "./aws-error";
import {
  isExpired,
  readStateItem,
  stateKey,
  toEpochSeconds,
  updateIfStill,
  type StateTable,
} from "./state-table";

/*
 * The people erased by clientId, as a hash (design.md §4.6). Erasure reaches the sessions the table
 * knows; Mark ID may hold one it never did (a token whose reply was lost: start-verification made
 * a second one, and the first was never recorded), and that session's results still name the
 * person. The publisher asks here before publishing a result of a session it does not know, and
 * drops it when its clientId was erased.
 *
 *   erased-client#<SHA-256 of "clientId:<clientId>">   the erasure's erasureId: no clientId. Kept
 *       45 days, past the longest token (30 days) and a review after it.
 */

const KEEP_SECONDS = 45 * 24 * 60 * 60;

/** SHA-256 (hex) of `clientId:<clientId>`: verification.erased's erasureId for a request by clientId. */
export function clientErasureId(clientId: string): string {
  return createHash("sha256").update(`clientId:${clientId}`).digest("hex");
}

export interface ErasedClients {
  /** Notes the person as erased; again on a redelivery, which keeps the mark 45 days from then. */
  mark(clientId: string, nowMs: number): ResultAsync<void, AwsError>;
  /** Whether the person was erased in the last 45 days. */
  has(clientId: string, nowMs: number): ResultAsync<boolean, AwsError>;
}

export function createErasedClients({ table }: { readonly table: StateTable }): ErasedClients {
  const key = (clientId: string) => stateKey("erased-client", clientErasureId(clientId));
  return {
    mark: (clientId, nowMs) =>
      updateIfStill(table, {
        Key: { pk: key(clientId) },
        UpdateExpression: "SET expiresAt = :expiresAt",
        ExpressionAttributeValues: { ":expiresAt": toEpochSeconds(nowMs) + KEEP_SECONDS },
      }).map(() => undefined),
    has: (clientId, nowMs) =>
      readStateItem(table, key(clientId)).map((item) => item !== undefined && !isExpired(item, nowMs)),
  };
}
