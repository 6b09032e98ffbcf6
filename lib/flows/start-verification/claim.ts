import { errAsync } from "neverthrow";
import { createToken } from "./create-token";
import { publishFailureEvent, republishSession } from "./publish";
import { givenBackOnAwsError } from "./reports";
import { publishUnknownOutcome } from "./unknown-outcome";
import type { VerificationRequest } from "./request";
import type { RecordOutcome, RecordScope } from "./types";

/**
 * The lease outlives the holder's invocation by this much, so a slow holder is never overtaken
 * (Lambda stops it at its deadline) and clocks of different containers may disagree a little.
 * Far below the queue's visibility timeout, so a redelivery after a crash can claim again.
 */
const LEASE_MARGIN_MS = 10_000;

/**
 * Claims the requestId (design.md §4.3: POST /api/v2/token is never called twice for one
 * request) and goes on by what the idempotency record holds: a session to publish again, another
 * invocation's live claim, an earlier unknown outcome, or the claim that lets us make a token.
 */
export function claimRequest(scope: RecordScope, request: VerificationRequest): RecordOutcome {
  const { deps, record } = scope;
  const base = { messageId: record.messageId, requestId: request.requestId };
  return deps.sessions
    .claim(request.requestId, {
      leaseMs: record.remainingTimeMs() + LEASE_MARGIN_MS,
      fingerprint: request.fingerprint,
      now: deps.now(),
    })
    .mapErr(givenBackOnAwsError(base, "state-unavailable"))
    .andThen((claim): RecordOutcome => {
      switch (claim.state) {
        case "session":
          return republishSession(scope, base, claim.session, claim.published);
        case "in-progress":
          return errAsync({
            ...base,
            outcome: "in-progress",
            reason: `held by another invocation until ${new Date(claim.leaseExpiresAt).toISOString()}`,
          });
        case "claimed":
          return createToken(scope, request, claim.claimId);
        case "conflict":
          // Another body holds this requestId: its session (another person's authToken) is not
          // ours to publish, and no token is made for a request that cannot be told apart.
          return publishFailureEvent(
            scope,
            {
              requestId: request.requestId,
              clientId: request.clientId,
              reason: "request-id-conflict",
              fields: [],
            },
            { ...base, outcome: "request-conflict", reason: "requestId reused with a different body" },
          );
        case "erased":
          // The person was erased (right to erasure): a new token would store them again. The
          // failure carries no clientId: the event must not name the person the erasure forgot.
          return publishFailureEvent(
            scope,
            { requestId: request.requestId, reason: "erased", fields: [] },
            { ...base, outcome: "request-erased", reason: "the requestId's session was erased" },
          );
        case "outcome-unknown":
          // An earlier delivery failed the request for an unknown outcome: say so again, and do
          // not spend a credit that may already be spent.
          return publishUnknownOutcome(scope, request, {
            ...base,
            reason: "unknown outcome of an earlier delivery's token call",
          });
      }
    });
}
