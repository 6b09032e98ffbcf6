import { setTimeout as delay } from "node:timers/promises";
import { errAsync, okAsync, ResultAsync } from "neverthrow";
import type { MarkIdError } from "../markid/errors";
import { nextDelayMs, retryAfterMsOf } from "./backoff";
import { decide, type PolicyDecision } from "./policy";
import type { RateLimiter } from "./rate-limiter";
import type { RetryBudget } from "./retry-budget";

type ExecutionFailureReason =
  /** The policy does not retry this error (or the flow gave no way to refresh the credentials). */
  | "not-retryable"
  /** maxAttempts calls made, the last one still failing transiently. */
  | "attempts-exhausted"
  /** No time left in the invocation for the wait and another call (or for a rate-limiter slot). */
  | "deadline"
  /** The container's retry budget is empty (a wider outage): one call per event until it refills. */
  | "budget-exhausted"
  /** UNAUTHORIZED, and re-reading Secrets Manager gave the same key pair. */
  | "credentials-unchanged"
  /** UNAUTHORIZED again with the freshly read key pair. */
  | "credentials-rejected"
  /** A credit-spending call timed out or was cut after sending: it may have made a token. */
  | "unknown-outcome";

export interface ExecutionFailure {
  /**
   * The last error; a not-sent network error (maybeSent false) when the deadline came before the
   * first call, or before the retry that follows a credential refresh.
   */
  readonly error: MarkIdError;
  /** decide(error) — the flow acts on its alert and disposition. */
  readonly decision: PolicyDecision;
  /** Calls made to the operation. */
  readonly attempts: number;
  readonly reason: ExecutionFailureReason;
}

/** Given to the operation so the client can cap its per-call timeout to what is left. */
export interface AttemptContext {
  /** 1-based. */
  readonly attempt: number;
  /** Milliseconds until remainingTime − safetyMargin: a call should not outlast it. */
  readonly timeBudgetMs: number;
}

export type AttemptInfo =
  | { readonly outcome: "success"; readonly attempt: number; readonly durationMs: number }
  | {
      readonly outcome: "retry";
      readonly attempt: number;
      readonly durationMs: number;
      readonly error: MarkIdError;
      readonly decision: PolicyDecision;
      readonly delayMs: number;
      readonly after: "backoff" | "credential-refresh";
    }
  | {
      readonly outcome: "stop";
      readonly attempt: number;
      readonly durationMs: number;
      readonly error: MarkIdError;
      readonly decision: PolicyDecision;
      readonly reason: ExecutionFailureReason;
    };

export interface ExecuteOptions {
  /** Time left in the invocation (Lambda: context.getRemainingTimeInMillis). Also the clock. */
  readonly remainingTimeMs: () => number;
  /** Kept free at the end of the invocation for publishing and replying; default 1000 ms. */
  readonly safetyMarginMs?: number;
  /** Do not start a call with less time than this left (e.g. the per-call timeout); default 0. */
  readonly minAttemptMs?: number;
  readonly budget: RetryBudget;
  readonly limiter?: RateLimiter;
  /** Calls in all, first one included (Config RETRY_MAX_ATTEMPTS); the post-refresh retry is extra. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly rateLimitedBaseDelayMs: number;
  readonly maxDelayMs: number;
  /** Re-read the key pair bypassing the cache; `changed` tells whether a retry can help. */
  readonly refreshCredentials?: () => ResultAsync<{ readonly changed: boolean }, MarkIdError>;
  /** The call spends a verification credit (POST /api/v2/token). */
  readonly isCreditSpending?: boolean;
  /** Retry an unknown outcome of a credit-spending call anyway (Config MARKID_TOKEN_UNKNOWN_OUTCOME). */
  readonly retryUnknownOutcome?: boolean;
  readonly sleep?: (ms: number) => Promise<void>;
  /** [0, 1), like Math.random. */
  readonly random?: () => number;
  /** Told about every call and what follows it: for logs and metrics (errors are log-safe). */
  readonly onAttempt?: (info: AttemptInfo) => void;
}

export const DEFAULT_SAFETY_MARGIN_MS = 1000;

/** Stands in for the error when the deadline left no time for even the first call. */
const NOT_SENT: MarkIdError = {
  kind: "network",
  message: "not sent: no time left before the invocation deadline",
  maybeSent: false,
};

/**
 * Whether the request may have been processed although no reply came. Error replies (an
 * identifier, a 5xx, a 429) are known outcomes: Mark ID made nothing.
 */
function isUnknownOutcome(error: MarkIdError): boolean {
  return error.kind === "timeout" || (error.kind === "network" && error.maybeSent);
}

/**
 * Runs a Mark ID call under the error policy: retries what `decide` says is transient, with
 * full-jitter backoff, inside the invocation's remaining time and the container's retry budget,
 * behind the rate limiter; refreshes the credentials once on UNAUTHORIZED. Never sleeps past
 * remainingTime − safetyMargin, and does not start a call it expects to run past it.
 */
export function executeWithPolicy<T>(
  operation: (context: AttemptContext) => ResultAsync<T, MarkIdError>,
  options: ExecuteOptions,
): ResultAsync<T, ExecutionFailure> {
  const margin = options.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
  const run: Run<T> = {
    operation,
    options,
    available: () => options.remainingTimeMs() - margin,
    sleep: options.sleep ?? ((ms: number) => delay(ms)),
    random: options.random ?? Math.random,
  };
  return attemptCall(run, {
    attempts: 0,
    backoffRetries: 0,
    refreshed: false,
    expectedAttemptMs: Math.max(0, options.minAttemptMs ?? 0),
    last: undefined,
  });
}

interface Run<T> {
  readonly operation: (context: AttemptContext) => ResultAsync<T, MarkIdError>;
  readonly options: ExecuteOptions;
  /** Milliseconds until remainingTime − safetyMargin. */
  readonly available: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

/** Where the run stands before its next call. */
interface RunState {
  /** Calls made so far. */
  readonly attempts: number;
  readonly backoffRetries: number;
  readonly refreshed: boolean;
  /**
   * A call is only started when the wait plus a call as long as the slowest one so far still
   * fits: a call that outlives the invocation leaves an unknown outcome and no reply to the queue.
   */
  readonly expectedAttemptMs: number;
  /** The error a deadline before the next call reports (none yet: NOT_SENT). */
  readonly last: { readonly error: MarkIdError; readonly decision: PolicyDecision } | undefined;
}

function attemptCall<T>(run: Run<T>, state: RunState): ResultAsync<T, ExecutionFailure> {
  const { options } = run;
  return waitForSlot(run, run.available() - state.expectedAttemptMs).andThen((slot) => {
    const timeBudgetMs = run.available();
    if (!slot || timeBudgetMs <= 0) {
      const last = state.last ?? { error: NOT_SENT, decision: decide(NOT_SENT) };
      return errAsync({ ...last, attempts: state.attempts, reason: "deadline" as const });
    }
    const attempt = state.attempts + 1;
    const startedWithMs = options.remainingTimeMs();
    const durationMs = (): number => Math.max(0, startedWithMs - options.remainingTimeMs());
    return run
      .operation({ attempt, timeBudgetMs })
      .map((value) => {
        options.budget.recordSuccess();
        options.onAttempt?.({ outcome: "success", attempt, durationMs: durationMs() });
        return value;
      })
      .orElse((error) => {
        const tookMs = durationMs();
        const next = {
          ...state,
          attempts: attempt,
          expectedAttemptMs: Math.max(state.expectedAttemptMs, tookMs),
        };
        return afterFailure(run, next, error, tookMs);
      });
  });
}

/** A slot of the rate limiter within `waitMs`; false when there is no time to wait for one. */
function waitForSlot<T>(run: Run<T>, waitMs: number): ResultAsync<boolean, never> {
  if (waitMs < 0) return okAsync(false);
  const { limiter } = run.options;
  return limiter === undefined ? okAsync(true) : ResultAsync.fromSafePromise(limiter.acquireWithin(waitMs));
}

/** What follows a failed call: a refresh and one more call, a backoff and a retry, or the end. */
function afterFailure<T>(
  run: Run<T>,
  state: RunState,
  error: MarkIdError,
  durationMs: number,
): ResultAsync<T, ExecutionFailure> {
  const { options } = run;
  const attempt = state.attempts;
  const decision = decide(error);
  const stop = (reason: ExecutionFailureReason): ResultAsync<T, ExecutionFailure> => {
    options.onAttempt?.({ outcome: "stop", attempt, durationMs, error, decision, reason });
    return errAsync({ error, decision, attempts: attempt, reason });
  };

  if (decision.action === "refresh-credentials") {
    if (state.refreshed) return stop("credentials-rejected");
    if (options.refreshCredentials === undefined) return stop("not-retryable");
    return options
      .refreshCredentials()
      .orElse((refreshError) => {
        // Secrets Manager failing now: the key pair is unknown, so no alert that it is invalid;
        // the refresh error's own decision (give back) applies.
        options.onAttempt?.({
          outcome: "stop",
          attempt,
          durationMs,
          error,
          decision,
          reason: "not-retryable",
        });
        return errAsync<never, ExecutionFailure>({
          error: refreshError,
          decision: decide(refreshError),
          attempts: attempt,
          reason: "not-retryable",
        });
      })
      .andThen(({ changed }) => {
        if (!changed) return stop("credentials-unchanged");
        // Not charged to the retry budget nor to maxAttempts: after a key rotation every in-flight
        // event needs exactly this one retry, and it says nothing about Mark ID's health. The 401
        // is forgotten: should the deadline now stop the retry, the failure must not carry the
        // credentials-invalid alert for a key pair that has just been replaced.
        options.onAttempt?.({
          outcome: "retry",
          attempt,
          durationMs,
          error,
          decision,
          delayMs: 0,
          after: "credential-refresh",
        });
        return attemptCall(run, { ...state, refreshed: true, last: undefined });
      });
  }

  if (decision.backoff === null) return stop("not-retryable");

  // WHY: POST /api/v2/token spends a verification credit. An error reply means Mark ID made no
  // token, so it is retried like any other; but after a timeout or a reset once the request was
  // sent, Mark ID may have made one, and a retry could spend a second credit for the same
  // request. By default the event goes back to the queue (the flow's idempotency record decides
  // what a redelivery does); the flow may opt in to retrying here (README "Unknown outcomes").
  if (options.isCreditSpending === true && isUnknownOutcome(error) && options.retryUnknownOutcome !== true) {
    return stop("unknown-outcome");
  }

  if (state.backoffRetries + 1 >= options.maxAttempts) return stop("attempts-exhausted");

  const baseDelayMs =
    decision.backoff === "rate-limited" ? options.rateLimitedBaseDelayMs : options.baseDelayMs;
  const delayMs = nextDelayMs(
    state.backoffRetries,
    { baseDelayMs, maxDelayMs: options.maxDelayMs },
    run.random,
    retryAfterMsOf(error),
  );
  if (delayMs + state.expectedAttemptMs > run.available()) return stop("deadline");
  if (!options.budget.tryWithdraw()) return stop("budget-exhausted");

  options.onAttempt?.({ outcome: "retry", attempt, durationMs, error, decision, delayMs, after: "backoff" });
  return ResultAsync.fromSafePromise(run.sleep(delayMs)).andThen(() =>
    attemptCall(run, { ...state, backoffRetries: state.backoffRetries + 1, last: { error, decision } }),
  );
}
