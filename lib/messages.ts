/**
 * The messages this system publishes (design.md §4.3). Other systems subscribe to them, so
 * these shapes are a contract: add fields, never rename or remove. A field added here is added to
 * its zod schema in lib/message-schemas.ts too (tsc fails until both agree), then
 * `npm run docs:events` regenerates the published contract in docs/events/.
 */

export const ALERT_TYPES = [
  "markid.token-limit-reached",
  "markid.credentials-invalid",
  "markid.permission-denied",
  "markid.client-error",
  "markid.unavailable",
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export type AlertState = "firing" | "resolved";
export type AlertSeverity = "critical" | "warning" | "info";

/** Published on ALERTS_TOPIC_ARN with SNS message attributes `type` and `state`. */
export interface AlertMessage {
  readonly type: AlertType;
  readonly state: AlertState;
  readonly severity: AlertSeverity;
  /** One human line; also the SNS Subject (cut to 100 characters). Never a secret or personal data. */
  readonly summary: string;
  readonly stage: string;
  /** ISO-8601 time the condition was first seen in this window. */
  readonly firstSeen: string;
  /** Occurrences folded into this alert. */
  readonly count: number;
}

export interface SessionCreatedEvent {
  readonly type: "verification.session-created";
  readonly requestId: string;
  readonly clientId: string;
  readonly scanRef: string;
  /** Bearer credential for one user's session: it travels in the event, never in a log. */
  readonly authToken: string;
  readonly redirectUrl: string;
  /** ISO-8601 time after which the token can no longer be started. */
  readonly expiresAt: string;
}

/** Where a result came from: Mark ID's webhook, or the reconciler's status call (a lost webhook). */
export type ResultSource = "webhook" | "reconciliation";

export interface VerificationCompletedEvent {
  readonly type: "verification.completed";
  readonly scanRef: string;
  /** The request that created the session, when this deployment created it. */
  readonly requestId?: string;
  readonly clientId: string;
  readonly externalRef: string | null;
  readonly final: boolean;
  readonly overall: string;
  readonly fraudTags: readonly string[];
  readonly mismatchTags: readonly string[];
  readonly autoDocument: string | null;
  readonly autoFace: string | null;
  readonly manualDocument: string | null;
  readonly manualFace: string | null;
  /**
   * The webhook's `data` object as received (personal data: for the subscriber, never for logs);
   * `null` when reconciled (the status endpoint carries no personal data).
   */
  readonly data: Readonly<Record<string, unknown>> | null;
  readonly source: ResultSource;
  /** ISO-8601 time the result reached us: the webhook's arrival, or the status reply's. */
  readonly receivedAt: string;
  /**
   * Per scanRef, strictly increasing in the order results were published (gaps allowed): a
   * consumer keeps the highest `sequence` among the `final` results of a scanRef.
   */
  readonly sequence: number;
}

/** A result on its way through the results queue: everything but the sequence, given at publish. */
export type PendingCompletedEvent = Omit<VerificationCompletedEvent, "sequence">;

/**
 * A signed webhook that is not a verification result (markid-api.md §7.2): a document-expiration
 * notice, an AML-monitoring hit, a kind not yet known. Published as received, never refused.
 */
export interface NotificationEvent {
  readonly type: "markid.notification";
  /** The `Idenfy-Event-Type` header lower-cased with dashes; else `document-expiration`, `aml-monitoring` or `unknown`. */
  readonly kind: string;
  readonly scanRef?: string;
  readonly clientId?: string;
  /** ISO-8601 time the notification reached us. */
  readonly receivedAt: string;
  /** The signed body as received (may hold personal data: for the subscriber, never for logs). */
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface VerificationFailedEvent {
  readonly type: "verification.failed";
  readonly requestId?: string;
  readonly messageId: string;
  readonly clientId?: string;
  readonly reason: string;
  readonly identifier?: string;
  /** Paths of the invalid fields; never their values. */
  readonly fields: readonly string[];
}

/**
 * A session's verification data was deleted at Mark ID (POST /api/v2/delete) once the retention
 * period after its final result had passed (MARKID_RETENTION_SECONDS).
 */
export interface VerificationDeletedEvent {
  readonly type: "verification.deleted";
  readonly scanRef: string;
  /** The request that created the session, when this deployment created it. */
  readonly requestId?: string;
  /** The user's id in the calling system, when this deployment created the session. */
  readonly clientId?: string;
  /** ISO-8601 time Mark ID confirmed the deletion. */
  readonly deletedAt: string;
}

/** What became of one session of an erased person at Mark ID (POST /api/v2/delete). */
type ErasureAtMarkId =
  /** Mark ID deleted its verification data now. */
  | "deleted"
  /** Deleted before (retention at Mark ID, design.md §4.5): no call made. */
  | "already-deleted"
  /** Mark ID refused the deletion for this session alone (e.g. a scanRef it no longer knows). */
  | "refused"
  /** Mark ID refuses until the session's token expires: the request is tried again later. */
  | "not-yet"
  /** Mark ID could not be asked (outage, key pair, time): the request is tried again later. */
  | "unavailable";

export interface ErasedSession {
  readonly scanRef: string;
  readonly markId: ErasureAtMarkId;
  /** Our copy (the session's request and clientId) was deleted; false while Mark ID's is pending. */
  readonly erasedHere: boolean;
  /** Mark ID's error identifier, when it refused. */
  readonly identifier?: string;
  /**
   * When erased here: the highest `sequence` the session's results were given. A result that was
   * on its way out at the moment of erasure may still arrive after this event, numbered no higher:
   * drop it. None is numbered after the erasure.
   */
  readonly lastSequence?: number;
}

/**
 * A request on the erasures queue (right to erasure) was worked on: what this delivery of it did.
 * Carries no clientId: the sender matches it by `erasureId`.
 */
export interface VerificationErasedEvent {
  readonly type: "verification.erased";
  /** SHA-256 (hex) of `clientId:<clientId>` or `scanRef:<scanRef>`, as the request named the person; absent when it could not be read. */
  readonly erasureId?: string;
  /** The SQS message id of the request. */
  readonly messageId: string;
  /** `complete`: nothing more to do; `pending`: tried again later; `invalid-request`: not acted on. */
  readonly status: "complete" | "pending" | "invalid-request";
  /** The sessions this delivery worked on. */
  readonly sessions: readonly ErasedSession[];
  /** Sessions left for a later delivery. */
  readonly pending: number;
  /** Paths of the invalid fields of an invalid request; never their values. */
  readonly fields: readonly string[];
  /** ISO-8601 time of this delivery's work. */
  readonly at: string;
}

export type VerificationEvent =
  | SessionCreatedEvent
  | VerificationCompletedEvent
  | VerificationFailedEvent
  | NotificationEvent
  | VerificationDeletedEvent
  | VerificationErasedEvent;
