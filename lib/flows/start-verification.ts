import { err, ok, ResultAsync, type Result } from "neverthrow";
import { describeAwsError, isConditionalCheckFailed } from "../aws/aws-error";
import type { StoredSession } from "../aws/session-store";
import { callEndpoint } from "../markid/endpoint";
import { tokenEndpoint } from "../markid/endpoints";
import { describeMarkIdError } from "../markid/errors";
import type { TokenResponse } from "../markid/schemas/token";
import type { AlertType, VerificationFailedEvent } from "../messages";
import type { Dependencies } from "../runtime/dependencies";
import {
  DEFAULT_SAFETY_MARGIN_MS,
  executeWithPolicy,
  type AttemptInfo,
  type ExecutionFailure,
} from "../resilience/execute";
import { alertSummary, failed, failureEventDetails, markIdErrorLabel, succeeded } from "./outcome";
import type { PolicyAction } from "../resilience/policy";
import {
  DEFAULT_TOKEN_EXPIRY_SECONDS,
  sessionCreatedEvent,
  sessionFromToken,
} from "./start-verification-session";
import { createTokenLimitClearer } from "./start-verification-token-limit";
import {
  parseVerificationRequest,
  type InvalidVerificationRequest,
  type VerificationRequest,
} from "./verification-request";

/*
 * The start-verification flow for one SQS record (brief flows.md, design.md §3 and §4.3):
 *
 *   deadline → parse body → claim requestId → POST /api/v2/token under the error policy
 *     → save the session → publish verification.session-created → mark it published → ack
 *
 * Acknowledge (ok) or give back (err: the handler reports it in batchItemFailures, SQS redelivers
 * it and moves it to the DLQ after its receive limit). Nothing is acknowledged without a trace:
 * a refused request is acknowledged only once its `verification.failed` event is out.
 */

export type StartVerificationDependencies = Pick<
  Dependencies,
  | "config"
  | "markIdTransport"
  | "notifier"
  | "sessions"
  | "alerter"
  | "retry"
  | "budget"
  | "limiter"
  | "refreshCredentials"
  | "now"
>;

export interface StartVerificationOptions {
  /** A record is not started with less time left (default: safety margin + MARKID_TIMEOUT_MS + 500 ms). */
  readonly startMarginMs?: number;
  /** Kept free at the end of the invocation for saving and publishing (default 1000 ms). */
  readonly safetyMarginMs?: number;
  /** Added to the invocation's remaining time to make the claim's lease (default 10 s). */
  readonly leaseMarginMs?: number;
  /** How long a container trusts that no token-limit alert fires (default 60 s). */
  readonly tokenLimitRecheckMs?: number;
  /** Backoff sleep and jitter, for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface VerificationRecord {
  readonly messageId: string;
  readonly body: string;
  /** The invocation's deadline (Lambda: context.getRemainingTimeInMillis). */
  readonly remainingTimeMs: () => number;
}

/** Log-safe values only: identifiers, codes, counts. */
export type LogDetails = Readonly<Record<string, string | number | boolean>>;

/** Told what happens while a record is processed, for logs and metrics. */
export interface RecordObserver {
  /** The requestId, once the body has been read (correlation). */
  readonly onRequest?: (requestId: string) => void;
  readonly onAttempt?: (info: AttemptInfo) => void;
  /** Something went wrong that does not change the record's outcome. */
  readonly onWarning?: (message: string, details?: LogDetails) => void;
}

export type AcknowledgedOutcome =
  /** A token was made, stored and published. */
  | "session-created"
  /** A token was made and published, but the session could not be stored (logged). */
  | "session-created-unrecorded"
  /** A session existed for the requestId: published again, no Mark ID call. */
  | "session-republished"
  /** The body is not a valid request: verification.failed published. */
  | "request-invalid"
  /** Mark ID refused the request's data: verification.failed published. */
  | "request-rejected"
  /** The token call's outcome is unknown and MARKID_TOKEN_UNKNOWN_OUTCOME=fail: verification.failed published. */
  | "unknown-outcome-failed";

export type GivenBackOutcome =
  /** Too little time left in the invocation to start it. */
  | "not-started"
  /** Another invocation holds the requestId. */
  | "in-progress"
  /** The idempotency record could not be read or written. */
  | "state-unavailable"
  /** The token call failed (transient past the retries, alerting, or our bug): see `action`. */
  | "markid-failed"
  /** The token call's outcome is unknown and MARKID_TOKEN_UNKNOWN_OUTCOME=redeliver. */
  | "unknown-outcome"
  /** An event could not be published; a session made meanwhile is stored and re-published later. */
  | "publish-failed"
  /** The claim's lease ran out and another invocation took the requestId: its session is re-published later. */
  | "claim-lost";

export interface RecordReport<
  O extends AcknowledgedOutcome | GivenBackOutcome = AcknowledgedOutcome | GivenBackOutcome,
> {
  readonly messageId: string;
  readonly outcome: O;
  readonly requestId?: string;
  /** The policy action of the Mark ID error the flow stopped on. */
  readonly action?: PolicyAction;
  /** markIdErrorLabel of that error, or an AWS error code. */
  readonly identifier?: string;
  /** One log-safe line: why. */
  readonly reason?: string;
  /** Mark ID calls made. */
  readonly attempts?: number;
  /** The alert raised for this record; `sent: false` when folded into an open one. */
  readonly alert?: { readonly type: AlertType; readonly sent: boolean };
  /** A resolved token-limit alert was sent after this record's token. */
  readonly tokenLimitResolved?: boolean;
}

export type RecordResult = Result<RecordReport<AcknowledgedOutcome>, RecordReport<GivenBackOutcome>>;

export interface StartVerificationFlow {
  /** Acknowledge on ok, give back on err. Never rejects for a bad record. */
  process(
    record: VerificationRecord,
    observer?: RecordObserver,
  ): ResultAsync<RecordReport<AcknowledgedOutcome>, RecordReport<GivenBackOutcome>>;
}

/** Added to the remaining time for the DynamoDB claim and save around the token call. */
const STATE_CALLS_MS = 500;
/**
 * The lease outlives the holder's invocation by this much, so a slow holder is never overtaken
 * (Lambda stops it at its deadline) and clocks of different containers may disagree a little.
 * Far below the queue's visibility timeout, so a redelivery after a crash can claim again.
 */
export const DEFAULT_LEASE_MARGIN_MS = 10_000;

const OPERATION = "verification token creation";

/** Built once per container: it keeps the token-limit memo across invocations. */
export function createStartVerificationFlow(
  deps: StartVerificationDependencies,
  options: StartVerificationOptions = {},
): StartVerificationFlow {
  const { config } = deps;
  const safetyMarginMs = options.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
  const startMarginMs = options.startMarginMs ?? safetyMarginMs + config.MARKID_TIMEOUT_MS + STATE_CALLS_MS;
  const leaseMarginMs = options.leaseMarginMs ?? DEFAULT_LEASE_MARGIN_MS;
  const tokenLimit = createTokenLimitClearer(deps.alerter, {
    now: deps.now,
    ...(options.tokenLimitRecheckMs === undefined ? {} : { recheckMs: options.tokenLimitRecheckMs }),
  });

  async function processRecord(record: VerificationRecord, observer: RecordObserver): Promise<RecordResult> {
    const remaining = record.remainingTimeMs();
    if (remaining < startMarginMs) {
      return err({
        messageId: record.messageId,
        outcome: "not-started",
        reason: `${remaining} ms left, under the ${startMarginMs} ms needed to start a record`,
      });
    }
    return parseVerificationRequest(record.body).match(
      (request) => {
        observer.onRequest?.(request.requestId);
        return processRequest(record, request, observer);
      },
      (invalid) => {
        if (invalid.requestId !== undefined) observer.onRequest?.(invalid.requestId);
        return rejectInvalidBody(record, invalid);
      },
    );
  }

  async function rejectInvalidBody(
    record: VerificationRecord,
    invalid: InvalidVerificationRequest,
  ): Promise<RecordResult> {
    const fields = invalid.issues.map((issue) => issue.path);
    const base = {
      messageId: record.messageId,
      ...(invalid.requestId === undefined ? {} : { requestId: invalid.requestId }),
    };
    const published = await publishFailure({
      type: "verification.failed",
      messageId: record.messageId,
      ...(invalid.requestId === undefined ? {} : { requestId: invalid.requestId }),
      ...(invalid.clientId === undefined ? {} : { clientId: invalid.clientId }),
      reason: "invalid-request",
      fields,
    });
    return published.ok
      ? ok({ ...base, outcome: "request-invalid", reason: `invalid fields: ${fields.join(", ")}` })
      : err({
          ...base,
          outcome: "publish-failed",
          identifier: published.error.code,
          reason: describeAwsError(published.error),
        });
  }

  async function processRequest(
    record: VerificationRecord,
    request: VerificationRequest,
    observer: RecordObserver,
  ): Promise<RecordResult> {
    const base = { messageId: record.messageId, requestId: request.requestId };
    const claim = await deps.sessions
      .claim(request.requestId, {
        leaseMs: record.remainingTimeMs() + leaseMarginMs,
        now: deps.now(),
      })
      .match(succeeded, failed);
    if (!claim.ok) {
      return err({
        ...base,
        outcome: "state-unavailable",
        identifier: claim.error.code,
        reason: describeAwsError(claim.error),
      });
    }
    switch (claim.value.state) {
      case "session":
        return republish(base, claim.value.session, claim.value.published, observer);
      case "in-progress":
        return err({
          ...base,
          outcome: "in-progress",
          reason: `held by another invocation until ${new Date(claim.value.leaseExpiresAt).toISOString()}`,
        });
      case "claimed":
        return createSession(record, request, claim.value.claimId, observer);
      case "outcome-unknown":
        // An earlier delivery failed the request for an unknown outcome: say so again, and do not
        // spend a credit that may already be spent.
        return publishUnknownOutcome(record, request, {
          ...base,
          reason: "unknown outcome of an earlier delivery's token call",
        });
    }
  }

  async function republish(
    base: { readonly messageId: string; readonly requestId: string },
    session: StoredSession,
    alreadyPublished: boolean,
    observer: RecordObserver,
  ): Promise<RecordResult> {
    const publishFailure = await publishSession(base, session);
    if (publishFailure !== undefined) return publishFailure;
    if (!alreadyPublished) await markPublished(base.requestId, observer);
    return ok({ ...base, outcome: "session-republished" });
  }

  /** Publishes verification.session-created; a failure gives the record back (a redelivery re-publishes). */
  async function publishSession(
    base: { readonly messageId: string; readonly requestId: string },
    session: StoredSession,
  ): Promise<RecordResult | undefined> {
    const published = await deps.notifier
      .publishEvent(sessionCreatedEvent(base.requestId, session))
      .match(succeeded, failed);
    if (published.ok) return undefined;
    return err({
      ...base,
      outcome: "publish-failed",
      identifier: published.error.code,
      reason: describeAwsError(published.error),
    });
  }

  async function createSession(
    record: VerificationRecord,
    request: VerificationRequest,
    claimId: string,
    observer: RecordObserver,
  ): Promise<RecordResult> {
    const created = await executeWithPolicy(
      (attempt) =>
        callEndpoint(deps.markIdTransport, tokenEndpoint, request.token, {
          timeoutMs: Math.max(1, Math.min(config.MARKID_TIMEOUT_MS, attempt.timeBudgetMs)),
        }),
      {
        remainingTimeMs: record.remainingTimeMs,
        safetyMarginMs,
        // Start a call only when it can run its full timeout: a call cut short by the deadline
        // is an unknown outcome, the one case that may spend a second credit.
        minAttemptMs: config.MARKID_TIMEOUT_MS,
        budget: deps.budget,
        limiter: deps.limiter,
        ...deps.retry,
        refreshCredentials: () => deps.refreshCredentials(),
        isCreditSpending: true,
        // Neither MARKID_TOKEN_UNKNOWN_OUTCOME setting retries in place: "redeliver" leaves it
        // to the queue, "fail" reports it (README "Unknown outcomes").
        retryUnknownOutcome: false,
        ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
        ...(options.random === undefined ? {} : { random: options.random }),
        ...(observer.onAttempt === undefined ? {} : { onAttempt: observer.onAttempt }),
      },
    ).match(succeeded, failed);
    return created.ok
      ? tokenCreated(record, request, claimId, created.value, observer)
      : tokenFailed(record, request, claimId, created.error, observer);
  }

  async function tokenCreated(
    record: VerificationRecord,
    request: VerificationRequest,
    claimId: string,
    token: TokenResponse,
    observer: RecordObserver,
  ): Promise<RecordResult> {
    const base = { messageId: record.messageId, requestId: request.requestId };
    const { session, ttlEpochSeconds } = sessionFromToken(token, request, {
      baseUrl: config.MARKID_BASE_URL,
      now: deps.now(),
    });
    // Stored BEFORE publishing: if the publish fails, the redelivery re-publishes this session
    // instead of spending a second credit.
    const saved = await deps.sessions
      .saveSession(request.requestId, session, ttlEpochSeconds, claimId)
      .match(succeeded, failed);
    if (!saved.ok && isConditionalCheckFailed(saved.error)) {
      // Our lease ran out and another invocation holds the request: it publishes its own
      // session, and a redelivery re-publishes that one, so subscribers see one session.
      return err({
        ...base,
        outcome: "claim-lost",
        identifier: saved.error.code,
        reason: saved.error.message,
      });
    }
    if (!saved.ok) {
      // The token exists and a person is waiting for it: publish it anyway rather than give the
      // record back, which would spend a second credit once the claim's lease runs out. The
      // claim is kept, so a duplicate is refused until then.
      observer.onWarning?.(
        "session not stored; publishing it anyway (a later duplicate of this request could create a second token)",
        {
          code: saved.error.code,
          scanRef: session.scanRef,
        },
      );
    }
    const publishFailure = await publishSession(base, session);
    if (publishFailure !== undefined) return publishFailure;
    if (saved.ok) await markPublished(request.requestId, observer);
    const cleared = await tokenLimit.afterTokenCreated().match(succeeded, failed);
    if (!cleared.ok) {
      observer.onWarning?.("could not resolve the token-limit alert; the next token retries", {
        code: cleared.error.code,
      });
    }
    return ok({
      ...base,
      outcome: saved.ok ? "session-created" : "session-created-unrecorded",
      ...(cleared.ok && cleared.value.sent ? { tokenLimitResolved: true } : {}),
    });
  }

  async function tokenFailed(
    record: VerificationRecord,
    request: VerificationRequest,
    claimId: string,
    failure: ExecutionFailure,
    observer: RecordObserver,
  ): Promise<RecordResult> {
    const { error, decision } = failure;
    const base = {
      messageId: record.messageId,
      requestId: request.requestId,
      action: decision.action,
      identifier: markIdErrorLabel(error),
      attempts: failure.attempts,
    };

    if (failure.reason === "unknown-outcome") {
      const reason = `unknown outcome: ${describeMarkIdError(error)}`;
      if (config.MARKID_TOKEN_UNKNOWN_OUTCOME === "redeliver") {
        // Releasing lets the redelivery call Mark ID again: the chosen trade-off (README).
        await release(request.requestId, claimId, observer);
        return err({ ...base, outcome: "unknown-outcome", reason });
      }
      // "fail": the requestId is closed, not released, so that neither a redelivery (the failure
      // event could not be published) nor a duplicate of the message spends a second credit; each
      // is told the same failure. It stays closed as long as a token made now could be used.
      const closed = await deps.sessions
        .markOutcomeUnknown(request.requestId, unknownOutcomeTtl(request), claimId)
        .match(succeeded, failed);
      if (!closed.ok) {
        observer.onWarning?.("could not record the unknown outcome; a redelivery may call Mark ID again", {
          code: closed.error.code,
        });
      }
      return publishUnknownOutcome(record, request, { ...base, reason });
    }

    // An error reply means Mark ID made no token, so the request may be tried again. A 2xx we
    // could not read did make one: the claim is kept, so a duplicate arriving before its lease
    // ends spends no further credit (the session store has no "failed" state that would stop
    // the redeliveries after it).
    if (error.kind !== "schema-mismatch") await release(request.requestId, claimId, observer);

    const alert = decision.alert === null ? undefined : await raiseAlert(decision.alert, failure, observer);
    if (decision.action === "token-limit") tokenLimit.noteLimitReached();
    const withAlert = { ...base, ...(alert === undefined ? {} : { alert }) };

    switch (decision.disposition) {
      case "acknowledge-with-failure-event": {
        const details = failureEventDetails(error);
        const published = await publishFailure({
          type: "verification.failed",
          messageId: record.messageId,
          requestId: request.requestId,
          clientId: request.clientId,
          ...details,
        });
        // The reject path is about the caller's data: Mark ID's message may quote it, so only
        // the identifier and the field paths are logged.
        const reason = `${details.reason}${details.fields.length > 0 ? `: ${details.fields.join(", ")}` : ""}`;
        return published.ok
          ? ok({ ...withAlert, outcome: "request-rejected", reason })
          : err({ ...withAlert, outcome: "publish-failed", reason: describeAwsError(published.error) });
      }
      case "give-back":
      case "dead-letter":
        return err({
          ...withAlert,
          outcome: "markid-failed",
          reason: `${failure.reason}: ${describeMarkIdError(error)}`,
        });
    }
  }

  async function raiseAlert(
    type: AlertType,
    failure: ExecutionFailure,
    observer: RecordObserver,
  ): Promise<{ readonly type: AlertType; readonly sent: boolean } | undefined> {
    const raised = await deps.alerter
      .raise(type, alertSummary(type, failure, OPERATION))
      .match(succeeded, failed);
    if (raised.ok) return { type, sent: raised.value.sent };
    // The record is given back (or reported) anyway; its next occurrence raises the alert again.
    observer.onWarning?.("could not raise the alert", { alert: type, code: raised.error.code });
    return undefined;
  }

  async function release(requestId: string, claimId: string, observer: RecordObserver): Promise<void> {
    const released = await deps.sessions.release(requestId, claimId).match(succeeded, failed);
    if (!released.ok) {
      // The claim then lapses with its lease; a redelivery before that is given back again.
      observer.onWarning?.("could not release the claim", { code: released.error.code });
    }
  }

  async function markPublished(requestId: string, observer: RecordObserver): Promise<void> {
    const marked = await deps.sessions.markPublished(requestId).match(succeeded, failed);
    if (!marked.ok) {
      // The event is out; at worst a redelivery publishes the same session once more.
      observer.onWarning?.("could not mark the session as published", { code: marked.error.code });
    }
  }

  async function publishUnknownOutcome(
    record: VerificationRecord,
    request: VerificationRequest,
    report: Omit<RecordReport, "outcome">,
  ): Promise<RecordResult> {
    const published = await publishFailure({
      type: "verification.failed",
      messageId: record.messageId,
      requestId: request.requestId,
      clientId: request.clientId,
      reason: "unknown-outcome",
      fields: [],
    });
    return published.ok
      ? ok({ ...report, outcome: "unknown-outcome-failed" })
      : err({
          ...report,
          outcome: "publish-failed",
          identifier: published.error.code,
          reason: describeAwsError(published.error),
        });
  }

  /** Until when a token made by a call of unknown outcome could still be used (epoch seconds). */
  function unknownOutcomeTtl(request: VerificationRequest): number {
    const expiry = request.token.expiryTime;
    const seconds = typeof expiry === "number" && expiry > 0 ? expiry : DEFAULT_TOKEN_EXPIRY_SECONDS;
    return Math.ceil(deps.now() / 1000) + seconds;
  }

  function publishFailure(event: VerificationFailedEvent) {
    return deps.notifier.publishEvent(event).match(succeeded, failed);
  }

  return {
    process(record, observer = {}) {
      return new ResultAsync(processRecord(record, observer));
    },
  };
}
