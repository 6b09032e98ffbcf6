import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import { isConditionalCheckFailed } from "../../aws/aws-error";
import type { TokenResponse } from "../../markid/schemas/token";
import { resultRetentionSeconds } from "../result-retention";
import { publishSession } from "./publish";
import { markPublished } from "./state";
import type { VerificationRequest } from "./request";
import { sessionFromToken } from "./session";
import type {
  AcknowledgedOutcome,
  GivenBackOutcome,
  RecordOutcome,
  RecordReport,
  RecordScope,
} from "./types";

/**
 * Mark ID made a token: store the session, publish it, then resolve a token-limit alert that may
 * be firing (a token proves the limit is over).
 */
export function onTokenCreated(
  scope: RecordScope,
  request: VerificationRequest,
  claimId: string,
  token: TokenResponse,
): RecordOutcome {
  const { deps, observer } = scope;
  const base = { messageId: scope.record.messageId, requestId: request.requestId };
  const { session, ttlEpochSeconds } = sessionFromToken(token, request, {
    baseUrl: deps.config.MARKID_BASE_URL,
    now: deps.now(),
  });
  // The session outlives its token (design.md §4.3): a duplicate or a redrive that comes after the
  // token expired re-publishes this session rather than making a second token for the requestId,
  // and the item lives as long as the session's scan# item (the reconciler's record of it).
  const keptUntil = ttlEpochSeconds + resultRetentionSeconds(deps.config.RECONCILE_GIVE_UP_SECONDS);
  // Stored BEFORE publishing: if the publish fails, the redelivery re-publishes this session
  // instead of spending a second credit.
  return deps.sessions
    .saveSession(request.requestId, session, keptUntil, claimId)
    .map(() => true)
    .orElse((error): ResultAsync<boolean, RecordReport<GivenBackOutcome>> => {
      if (isConditionalCheckFailed(error)) {
        // Our lease ran out and another invocation holds the request: it publishes its own
        // session, and a redelivery re-publishes that one, so subscribers see one session.
        return errAsync({ ...base, outcome: "claim-lost", identifier: error.code, reason: error.message });
      }
      // The token exists and a person is waiting for it: publish it anyway rather than give the
      // record back, which would spend a second credit once the claim's lease runs out. The
      // claim is kept, so a duplicate is refused until then.
      observer.onWarning?.(
        "session not stored; publishing it anyway (a later duplicate of this request could create a second token)",
        { code: error.code, scanRef: session.scanRef },
      );
      return okAsync(false);
    })
    .andThen((saved) => publishSession(scope, base, session).map(() => saved))
    .andThen((saved) =>
      (saved ? markPublished(scope, request.requestId) : okAsync(undefined)).map(() => saved),
    )
    .andThen((saved) =>
      resolveTokenLimit(scope).map((resolved): RecordReport<AcknowledgedOutcome> => ({
        ...base,
        outcome: saved ? "session-created" : "session-created-unrecorded",
        ...(resolved ? { tokenLimitResolved: true } : {}),
      })),
    );
}

/** Whether a resolved token-limit alert was sent; a failure is a warning (the next token retries). */
function resolveTokenLimit(scope: RecordScope): ResultAsync<boolean, never> {
  return scope.tokenLimit
    .afterTokenCreated()
    .map(({ sent }) => sent)
    .orElse((error) => {
      scope.observer.onWarning?.("could not resolve the token-limit alert; the next token retries", {
        code: error.code,
      });
      return okAsync(false);
    });
}
