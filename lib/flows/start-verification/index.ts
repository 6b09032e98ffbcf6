import { errAsync } from "neverthrow";
import { DEFAULT_SAFETY_MARGIN_MS } from "../../resilience/execute";
import { claimRequest } from "./claim";
import { publishFailureEvent } from "./publish";
import { parseVerificationRequest, type InvalidVerificationRequest } from "./request";
import { createTokenLimitClearer } from "./token-limit";
import type {
  RecordOutcome,
  RecordScope,
  StartVerificationDependencies,
  StartVerificationFlow,
  StartVerificationOptions,
} from "./types";

/*
 * The start-verification flow for one SQS record (design.md §3 and §4.3), one step per module:
 *
 *   deadline → parse the body (request.ts) → claim the requestId (claim.ts)
 *     → POST /api/v2/token under the error policy (create-token.ts)
 *     → on created: save the session, publish verification.session-created, mark it published
 *       (on-created.ts); on failed: release, alert, failure event or give back (on-failed.ts)
 *
 * Acknowledge (ok) or give back (err: the handler reports it in batchItemFailures, SQS redelivers
 * it and moves it to the DLQ after its receive limit). Nothing is acknowledged without a trace: a
 * refused request is acknowledged only once its `verification.failed` event is out (publish.ts).
 */

export type * from "./types";

/** Added to the remaining time for the DynamoDB claim and save around the token call. */
const STATE_CALLS_MS = 500;

/** Built once per container: it keeps the token-limit memo across invocations. */
export function createStartVerificationFlow(
  deps: StartVerificationDependencies,
  options: StartVerificationOptions = {},
): StartVerificationFlow {
  const safetyMarginMs = options.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
  const settings = {
    ...options,
    safetyMarginMs,
    startMarginMs: options.startMarginMs ?? safetyMarginMs + deps.config.MARKID_TIMEOUT_MS + STATE_CALLS_MS,
  };
  const tokenLimit = createTokenLimitClearer(deps.alerter, { now: deps.now });
  return {
    process: (record, observer = {}) => startRecord({ deps, settings, record, observer, tokenLimit }),
  };
}

function startRecord(scope: RecordScope): RecordOutcome {
  const { record, observer, settings } = scope;
  const remaining = record.remainingTimeMs();
  if (remaining < settings.startMarginMs) {
    return errAsync({
      messageId: record.messageId,
      outcome: "not-started",
      reason: `${remaining} ms left, under the ${settings.startMarginMs} ms needed to start a record`,
    });
  }
  return parseVerificationRequest(record.body).match(
    (request) => {
      observer.onRequest?.(request.requestId);
      return claimRequest(scope, request);
    },
    (invalid) => {
      if (invalid.requestId !== undefined) observer.onRequest?.(invalid.requestId);
      return rejectInvalidBody(scope, invalid);
    },
  );
}

/** The body is not a valid request: verification.failed names the fields, then acknowledge. */
function rejectInvalidBody(scope: RecordScope, invalid: InvalidVerificationRequest): RecordOutcome {
  const fields = invalid.issues.map((issue) => issue.path);
  const requestId = invalid.requestId === undefined ? {} : { requestId: invalid.requestId };
  return publishFailureEvent(
    scope,
    {
      ...requestId,
      ...(invalid.clientId === undefined ? {} : { clientId: invalid.clientId }),
      reason: "invalid-request",
      fields,
    },
    {
      messageId: scope.record.messageId,
      ...requestId,
      outcome: "request-invalid",
      reason: `invalid fields: ${fields.join(", ")}`,
    },
  );
}
