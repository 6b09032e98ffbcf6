import { tokenEndpoint } from "../../markid/endpoints";
import { branch } from "../branch";
import { callMarkId } from "../call-markid";
import { onTokenCreated } from "./on-created";
import { onTokenFailed } from "./on-failed";
import type { VerificationRequest } from "./request";
import type { RecordOutcome, RecordScope } from "./types";

/** POST /api/v2/token under the error policy (design.md §3), holding the requestId's claim. */
export function createToken(
  scope: RecordScope,
  request: VerificationRequest,
  claimId: string,
): RecordOutcome {
  const { deps, settings, record, observer } = scope;
  const timeoutMs = deps.config.MARKID_TIMEOUT_MS;
  const created = callMarkId(deps, tokenEndpoint, request.token, {
    remainingTimeMs: record.remainingTimeMs,
    safetyMarginMs: settings.safetyMarginMs,
    // Start a call only when it can run its full timeout: a call cut short by the deadline is
    // an unknown outcome, the one case that may spend a second credit.
    minAttemptMs: timeoutMs,
    isCreditSpending: true,
    // Neither MARKID_TOKEN_UNKNOWN_OUTCOME setting retries in place: "redeliver" leaves it to
    // the queue, "fail" reports it (README "Unknown outcomes").
    retryUnknownOutcome: false,
    ...(settings.sleep === undefined ? {} : { sleep: settings.sleep }),
    ...(settings.random === undefined ? {} : { random: settings.random }),
    ...(observer.onAttempt === undefined ? {} : { onAttempt: observer.onAttempt }),
  });
  return branch(
    created,
    (token) => onTokenCreated(scope, request, claimId, token),
    (failure) => onTokenFailed(scope, request, claimId, failure),
  );
}
