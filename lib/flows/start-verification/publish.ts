import { okAsync, type ResultAsync } from "neverthrow";
import type { StoredSession } from "../../aws/session-store";
import type { VerificationFailedEvent } from "../../messages";
import { givenBackOnAwsError, type ReportBase } from "./reports";
import { sessionCreatedEvent } from "./session";
import { markPublished } from "./state";
import type {
  AcknowledgedOutcome,
  GivenBackOutcome,
  RecordOutcome,
  RecordReport,
  RecordScope,
} from "./types";

/*
 * The events the flow publishes. A record is acknowledged only once its event is out: a failed
 * publish gives it back, and the redelivery publishes again (subscribers dedupe on requestId).
 */

/** verification.session-created; a failure gives the record back (a redelivery re-publishes). */
export function publishSession(
  scope: RecordScope,
  base: ReportBase & { readonly requestId: string },
  session: StoredSession,
): ResultAsync<void, RecordReport<GivenBackOutcome>> {
  return scope.deps.notifier
    .publishEvent(sessionCreatedEvent(base.requestId, session))
    .map(() => undefined)
    .mapErr(givenBackOnAwsError(base, "publish-failed"));
}

/** A session already existed for the requestId: publish it again, no Mark ID call. */
export function republishSession(
  scope: RecordScope,
  base: ReportBase & { readonly requestId: string },
  session: StoredSession,
  alreadyPublished: boolean,
): RecordOutcome {
  return publishSession(scope, base, session)
    .andThen(() => (alreadyPublished ? okAsync(undefined) : markPublished(scope, base.requestId)))
    .map((): RecordReport<AcknowledgedOutcome> => ({ ...base, outcome: "session-republished" }));
}

/** verification.failed, then acknowledge with `report`; a failed publish gives the record back. */
export function publishFailureEvent(
  scope: RecordScope,
  event: Omit<VerificationFailedEvent, "type" | "messageId">,
  report: Omit<RecordReport, "outcome"> & { readonly outcome: AcknowledgedOutcome },
): RecordOutcome {
  return scope.deps.notifier
    .publishEvent({ type: "verification.failed", messageId: scope.record.messageId, ...event })
    .map((): RecordReport<AcknowledgedOutcome> => report)
    .mapErr(givenBackOnAwsError(report, "publish-failed"));
}
