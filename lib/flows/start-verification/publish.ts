import { okAsync, type ResultAsync } from "neverthrow";
import type { StoredSession } from "../../aws/session-store";
import type { VerificationFailedEvent } from "../../messages";
import { resultRetentionSeconds } from "../result-retention";
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

/**
 * verification.session-created; a failure gives the record back (a redelivery re-publishes). The
 * session is put where the reconciler finds it first: once the user has the link, a result may
 * come, and a lost one must be recoverable. Tracking is idempotent, so every re-publish repeats it.
 */
export function publishSession(
  scope: RecordScope,
  base: ReportBase & { readonly requestId: string },
  session: StoredSession,
): ResultAsync<void, RecordReport<GivenBackOutcome>> {
  const { config } = scope.deps;
  return scope.deps.openSessions
    .track(
      {
        scanRef: session.scanRef,
        requestId: base.requestId,
        clientId: session.clientId,
        tokenExpiresAtMs: Date.parse(session.expiresAt),
      },
      {
        reconcileAfterSeconds: config.RECONCILE_AFTER_SECONDS,
        retentionSeconds: resultRetentionSeconds(config.RECONCILE_GIVE_UP_SECONDS),
      },
    )
    .mapErr(givenBackOnAwsError(base, "state-unavailable"))
    .andThen(() =>
      scope.deps.notifier
        .publishEvent(sessionCreatedEvent(base.requestId, session))
        .mapErr(givenBackOnAwsError(base, "publish-failed")),
    )
    .map(() => undefined);
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
