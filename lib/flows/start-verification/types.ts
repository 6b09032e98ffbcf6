import type { ResultAsync } from "neverthrow";
import type { Alerter } from "../../aws/alerts";
import type { Notifier } from "../../aws/notifier";
import type { SessionStore } from "../../aws/session-store";
import type { OpenSessionStore } from "../../aws/open-sessions";
import type { Config } from "../../config";
import type { AlertType } from "../../messages";
import type { AttemptInfo } from "../../resilience/execute";
import type { PolicyAction } from "../../resilience/policy";
import type { TokenLimitClearer } from "./token-limit";
import type { MarkIdCallDependencies } from "../call-markid";

/** What the flow needs; the runtime's Dependencies provide it. */
export interface StartVerificationDependencies extends MarkIdCallDependencies {
  readonly config: Pick<
    Config,
    | "MARKID_BASE_URL"
    | "MARKID_TIMEOUT_MS"
    | "MARKID_TOKEN_UNKNOWN_OUTCOME"
    | "RECONCILE_AFTER_SECONDS"
    | "RECONCILE_GIVE_UP_SECONDS"
  >;
  readonly notifier: Pick<Notifier, "publishEvent">;
  readonly sessions: SessionStore;
  /** Where the reconciler finds the session if its final result never arrives (design.md §4.4). */
  readonly openSessions: Pick<OpenSessionStore, "track">;
  readonly alerter: Pick<Alerter, "raise" | "clear">;
  readonly now: () => number;
}

export interface StartVerificationOptions {
  /** A record is not started with less time left (default: safety margin + MARKID_TIMEOUT_MS + 500 ms). */
  readonly startMarginMs?: number;
  /** Kept free at the end of the invocation for saving and publishing (default 1000 ms). */
  readonly safetyMarginMs?: number;
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
type LogDetails = Readonly<Record<string, string | number | boolean>>;

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
  | "unknown-outcome-failed"
  /** The requestId is held for another body: verification.failed (request-id-conflict) published. */
  | "request-conflict"
  /** The requestId's session was erased (right to erasure): verification.failed (erased) published. */
  | "request-erased";

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

/** Acknowledge on ok, give back on err (the handler reports it in batchItemFailures). */
export type RecordOutcome = ResultAsync<RecordReport<AcknowledgedOutcome>, RecordReport<GivenBackOutcome>>;

export interface StartVerificationFlow {
  /** Acknowledge on ok, give back on err. Never rejects for a bad record. */
  process(record: VerificationRecord, observer?: RecordObserver): RecordOutcome;
}

/** What every step knows about the record in hand. */
export interface RecordScope {
  readonly deps: StartVerificationDependencies;
  readonly settings: FlowSettings;
  readonly record: VerificationRecord;
  readonly observer: RecordObserver;
  /** Per container: remembers whether a token-limit alert may be firing. */
  readonly tokenLimit: TokenLimitClearer;
}

/** The options resolved once per container. */
interface FlowSettings {
  readonly startMarginMs: number;
  readonly safetyMarginMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}
