import { DeleteCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { randomUUID } from "node:crypto";
import * as z from "zod/mini";
import { lazily } from "../lazily";
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
 * Idempotency of verification requests (design.md §4.3): POST /api/v2/token spends a credit, so
 * one requestId must never create two tokens, and a redelivery must re-publish the session.
 *
 * Item `session#<requestId>` moves through these states:
 *
 *   (absent) --claim--> in-progress {claimId, leaseUntil}
 *   in-progress --saveSession--> session-created {session}      token made and recorded
 *   in-progress --release--> (absent)                           Mark ID made no token: retry is safe
 *   in-progress --holdClaim--> in-progress until the token expires   a token we could not read
 *   in-progress, lease over --claim--> in-progress (new claim)   the holder died or hung
 *   session-created --markPublished--> published
 *   session-created, published --forget (erasures.ts)--> erased   no session, no fingerprint
 *   in-progress --markOutcomeUnknown--> outcome-unknown         the token call's outcome is unknown
 *                                                               and MARKID_TOKEN_UNKNOWN_OUTCOME=fail
 *   any state, TTL (expiresAt) passed --claim--> in-progress     a claim's or an unknown outcome's
 *                                                               token has expired anyway; a saved
 *                                                               session is kept far longer (below)
 *
 * `claim` on an item holding a session returns the session (re-publish it); on a live claim it
 * returns `in-progress` (give the message back, it comes again after the lease). The lease must
 * outlast the holder's invocation, or a slow holder and a reclaimer could both create a token.
 *
 * Why not Powertools Idempotency: the token must be recorded BEFORE the event is published, and a
 * redelivery after a failed publish must publish the stored session again without creating a
 * second token. Powertools records the handler's result only when the whole function succeeds:
 * on a failure it deletes the record (the redelivery would create a second token), and on a
 * success it returns the cached result without running the publish again. Neither fits a step
 * that spends money followed by a step that may fail.
 *
 * The authToken is stored because a re-publish needs it; the table is encrypted at rest
 * (serverless.yml). A saved session's item outlives its token by the results' retention
 * (on-created.ts), so a late duplicate re-publishes it instead of making a second token; its
 * authToken is by then an expired credential.
 */

export interface StoredSession {
  readonly scanRef: string;
  readonly authToken: string;
  readonly redirectUrl: string;
  /** ISO-8601 time the token expires. */
  readonly expiresAt: string;
  readonly clientId: string;
}

type ClaimOutcome =
  /** This caller holds the request: it may call Mark ID, then saveSession or release. */
  | { readonly state: "claimed"; readonly claimId: string }
  /** A token was made already: publish this session again (`published` says whether it was). */
  | { readonly state: "session"; readonly session: StoredSession; readonly published: boolean }
  /** Another invocation holds the request until `leaseExpiresAt` (epoch ms). */
  | { readonly state: "in-progress"; readonly leaseExpiresAt: number }
  /**
   * An earlier delivery's token call had an unknown outcome and the request was failed for it
   * (MARKID_TOKEN_UNKNOWN_OUTCOME=fail): tell the caller again, do not call Mark ID.
   */
  | { readonly state: "outcome-unknown" }
  /**
   * The requestId is held for another body (its fingerprint differs): the caller must not be given
   * that session, nor take over its claim.
   */
  | { readonly state: "conflict" }
  /**
   * The person behind the requestId's session was erased (right to erasure): no token may be made
   * for it again, and nothing of it is left to publish.
   */
  | { readonly state: "erased" };

export interface ClaimOptions {
  /** How long the claim is exclusive; longer than the invocation that holds it can run. */
  readonly leaseMs: number;
  /** Epoch milliseconds. */
  readonly now: number;
  /** What the request asks for; kept with the item for as long as it lives. */
  readonly fingerprint: string;
}

export interface SessionStore {
  claim(requestId: string, options: ClaimOptions): ResultAsync<ClaimOutcome, AwsError>;
  /**
   * Records the token under the claim. Fails with ConditionalCheckFailedException when the claim
   * is no longer held (its lease ran out and another invocation took it, or it was released).
   * Pass the claimId from `claim` so a claim taken over by someone else is never written to.
   */
  saveSession(
    requestId: string,
    session: StoredSession,
    ttlEpochSeconds: number,
    claimId: string,
  ): ResultAsync<void, AwsError>;
  /** Drops an in-progress claim (Mark ID made no token), so a redelivery may try again. */
  release(requestId: string, claimId: string): ResultAsync<{ readonly released: boolean }, AwsError>;
  /**
   * Keeps an in-progress claim until `untilMs` (epoch ms): Mark ID made a token we could not read,
   * and no delivery of the request may make another while that token could be used.
   */
  holdClaim(requestId: string, claimId: string, untilMs: number): ResultAsync<void, AwsError>;
  /** Notes that the session event went out; fails if no session was saved. */
  markPublished(requestId: string): ResultAsync<void, AwsError>;
  /**
   * Ends a claim whose token call may or may not have made a token, for
   * MARKID_TOKEN_UNKNOWN_OUTCOME=fail: until `ttlEpochSeconds` (the expiry of the token Mark ID
   * may have made) every claim of the requestId answers `outcome-unknown`, so a redelivery or a
   * duplicate re-publishes the failure instead of spending a second credit. Fails with
   * ConditionalCheckFailedException when the claim is no longer held.
   */
  markOutcomeUnknown(
    requestId: string,
    ttlEpochSeconds: number,
    claimId: string,
  ): ResultAsync<void, AwsError>;
}

export interface SessionStoreOptions {
  readonly table: StateTable;
}

/** The tombstone an erasure leaves of a session (erasures.ts). */
export const ERASED_SESSION_STATUS = "erased";

const STATUS = {
  inProgress: "in-progress",
  created: "session-created",
  published: "published",
  outcomeUnknown: "outcome-unknown",
  erased: ERASED_SESSION_STATUS,
} as const;
/** A claim nobody resolved (crashed holder) is kept a day for diagnosis, then expires. */
const CLAIM_RETENTION_SECONDS = 86_400;
/** A claim attempt races with releases and reclaims; past this many rounds the caller comes back later. */
const MAX_CLAIM_ROUNDS = 3;

// Lazy: built when a stored item is first read, not at every cold start (bench/cold-init.ts).
const itemSchema = lazily(() =>
  z.object({
    status: z.enum([
      STATUS.inProgress,
      STATUS.created,
      STATUS.published,
      STATUS.outcomeUnknown,
      STATUS.erased,
    ]),
    leaseUntil: z.optional(z.number()),
    session: z.optional(
      z.object({
        scanRef: z.string(),
        authToken: z.string(),
        redirectUrl: z.string(),
        expiresAt: z.string(),
        clientId: z.string(),
      }),
    ),
  }),
);

export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const { table } = options;
  const key = (requestId: string) => stateKey("session", requestId);

  const unexpectedItem = (requestId: string, operation: string): AwsError => ({
    kind: "aws",
    service: "dynamodb",
    operation,
    code: "UnexpectedItem",
    retryable: false,
    message: `state item for request ${requestId} has an unexpected shape`,
  });

  const tryClaim = (
    requestId: string,
    claimOptions: ClaimOptions,
    round: number,
  ): ResultAsync<ClaimOutcome, AwsError> => {
    const { leaseMs, now, fingerprint } = claimOptions;
    const claimId = randomUUID();
    const leaseUntil = now + leaseMs;
    return fromAwsPromise("dynamodb", "PutItem", () =>
      table.doc.send(
        new PutCommand({
          TableName: table.tableName,
          Item: {
            pk: key(requestId),
            status: STATUS.inProgress,
            claimId,
            leaseUntil,
            fingerprint,
            expiresAt: toEpochSeconds(leaseUntil) + CLAIM_RETENTION_SECONDS,
          },
          // A lapsed claim is taken over only for the same request: the holder may have died after
          // Mark ID made its token. Items written before fingerprints existed have none.
          ...leasedClaimCondition(STATUS.inProgress, now, {
            expression: "(attribute_not_exists(fingerprint) OR fingerprint = :fingerprint)",
            values: { ":fingerprint": fingerprint },
          }),
        }),
      ),
    )
      .map((): ClaimOutcome => ({ state: "claimed", claimId }))
      .orElse((error) => {
        if (!isConditionalCheckFailed(error)) return errAsync(error);
        // Someone holds the item: read what it holds (no ReturnValuesOnConditionCheckFailure in dynalite).
        return readStateItem(table, key(requestId)).andThen((item): ResultAsync<ClaimOutcome, AwsError> => {
          const gone = item === undefined || isExpired(item, now);
          if (!gone && typeof item["fingerprint"] === "string" && item["fingerprint"] !== fingerprint) {
            return okAsync({ state: "conflict" });
          }
          const claimableAgain =
            gone ||
            (item["status"] === STATUS.inProgress &&
              typeof item["leaseUntil"] === "number" &&
              item["leaseUntil"] < now);
          if (claimableAgain) {
            // Released or expired between our write and our read.
            return round + 1 < MAX_CLAIM_ROUNDS
              ? tryClaim(requestId, claimOptions, round + 1)
              : okAsync({ state: "in-progress", leaseExpiresAt: now });
          }
          const parsed = itemSchema().safeParse(item);
          if (!parsed.success) return errAsync(unexpectedItem(requestId, "GetItem"));
          const { status, leaseUntil: holderLease, session } = parsed.data;
          if (status === STATUS.inProgress)
            return okAsync({ state: "in-progress", leaseExpiresAt: holderLease ?? now });
          if (status === STATUS.outcomeUnknown) return okAsync({ state: "outcome-unknown" });
          if (status === STATUS.erased) return okAsync({ state: "erased" });
          if (session === undefined) return errAsync(unexpectedItem(requestId, "GetItem"));
          return okAsync({ state: "session", session, published: status === STATUS.published });
        });
      });
  };

  // Every write that ends a claim names it: a claim taken over by another invocation (its lease
  // ran out) is never written to by the one that lost it.
  const claimCondition = (claimId: string) => ({
    ConditionExpression: "#status = :inProgress AND claimId = :claimId",
    ExpressionAttributeNames: { "#status": "status" },
    ExpressionAttributeValues: {
      ":inProgress": STATUS.inProgress,
      ":claimId": claimId,
    },
  });

  /** One conditional UpdateItem on the claim this invocation still holds. */
  const updateUnderClaim = (
    requestId: string,
    claimId: string,
    update: {
      readonly expression: string;
      readonly names?: Readonly<Record<string, string>>;
      readonly values: Readonly<Record<string, unknown>>;
    },
  ): ResultAsync<void, AwsError> => {
    const condition = claimCondition(claimId);
    return fromAwsPromise("dynamodb", "UpdateItem", () =>
      table.doc.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: { pk: key(requestId) },
          UpdateExpression: update.expression,
          ConditionExpression: condition.ConditionExpression,
          ExpressionAttributeNames: { ...condition.ExpressionAttributeNames, ...update.names },
          ExpressionAttributeValues: { ...condition.ExpressionAttributeValues, ...update.values },
        }),
      ),
    ).map(() => undefined);
  };

  /**
   * Ends a claim this invocation still holds in a settled state (a session, or an unknown outcome):
   * the new status and its expiry set, the lease and claim id removed, in one conditional write.
   */
  const endClaim = (
    requestId: string,
    claimId: string,
    status: typeof STATUS.created | typeof STATUS.outcomeUnknown,
    ttlEpochSeconds: number,
    session?: StoredSession,
  ): ResultAsync<void, AwsError> =>
    updateUnderClaim(requestId, claimId, {
      expression: `SET #status = :status, ${session === undefined ? "" : "#session = :session, "}expiresAt = :ttl REMOVE leaseUntil, claimId`,
      ...(session === undefined ? {} : { names: { "#session": "session" } }),
      values: {
        ":status": status,
        ":ttl": ttlEpochSeconds,
        ...(session === undefined ? {} : { ":session": session }),
      },
    });

  return {
    claim(requestId, claimOptions) {
      return tryClaim(requestId, claimOptions, 0);
    },

    saveSession(requestId, session, ttlEpochSeconds, claimId) {
      return endClaim(requestId, claimId, STATUS.created, ttlEpochSeconds, {
        // Only the known fields: nothing else of the caller's object lands in the table.
        scanRef: session.scanRef,
        authToken: session.authToken,
        redirectUrl: session.redirectUrl,
        expiresAt: session.expiresAt,
        clientId: session.clientId,
      }).mapErr((error) =>
        isConditionalCheckFailed(error)
          ? {
              ...error,
              message: `the claim on request ${requestId} is no longer held; the session was not saved`,
            }
          : error,
      );
    },

    release(requestId, claimId) {
      return fromAwsPromise("dynamodb", "DeleteItem", () =>
        table.doc.send(
          new DeleteCommand({
            TableName: table.tableName,
            Key: { pk: key(requestId) },
            ...claimCondition(claimId),
          }),
        ),
      )
        .map(() => ({ released: true }))
        .orElse((error) =>
          isConditionalCheckFailed(error) ? okAsync({ released: false }) : errAsync(error),
        );
    },

    holdClaim(requestId, claimId, untilMs) {
      return updateUnderClaim(requestId, claimId, {
        expression: "SET leaseUntil = :until, expiresAt = :ttl",
        values: { ":until": untilMs, ":ttl": toEpochSeconds(untilMs) + CLAIM_RETENTION_SECONDS },
      });
    },

    markOutcomeUnknown(requestId, ttlEpochSeconds, claimId) {
      return endClaim(requestId, claimId, STATUS.outcomeUnknown, ttlEpochSeconds);
    },

    markPublished(requestId) {
      return fromAwsPromise("dynamodb", "UpdateItem", () =>
        table.doc.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: { pk: key(requestId) },
            UpdateExpression: "SET #status = :published",
            ConditionExpression: "attribute_exists(#session)",
            ExpressionAttributeNames: { "#status": "status", "#session": "session" },
            ExpressionAttributeValues: { ":published": STATUS.published },
          }),
        ),
      )
        .map(() => undefined)
        .mapErr((error) =>
          isConditionalCheckFailed(error)
            ? { ...error, message: `no session is saved for request ${requestId}` }
            : error,
        );
    },
  };
}
