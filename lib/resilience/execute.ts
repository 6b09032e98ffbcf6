import { setTimeout as delay } from "node:timers/promises";
import { err, ok, ResultAsync, type Result } from "neverthrow";
import type { MarkIdError } from "../markid/errors";
import { nextDelayMs, retryAfterMsOf } from "./backoff";
import { decide, type PolicyDecision } from "./policy";
import type { RateLimiter } from "./rate-limiter";
import type { RetryBudget } from "./retry-budget";

export type ExecutionFailureReason =
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
export function isUnknownOutcome(error: MarkIdError): boolean {
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
  return new ResultAsync(run(operation, options));
}

async function run<T>(
  operation: (context: AttemptContext) => ResultAsync<T, MarkIdError>,
  options: ExecuteOptions,
): Promise<Result<T, ExecutionFailure>> {
  const margin = options.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const random = options.random ?? Math.random;
  const available = (): number => options.remainingTimeMs() - margin;

  let attempts = 0;
  let backoffRetries = 0;
  let refreshed = false;
  // A retry is only started when the wait plus a call as long as the slowest one so far still
  // fits: a call that outlives the invocation leaves an unknown outcome and no reply to the queue.
  let expectedAttemptMs = Math.max(0, options.minAttemptMs ?? 0);
  let last: { readonly error: MarkIdError; readonly decision: PolicyDecision } | undefined;

  const failure = (
    reason: ExecutionFailureReason,
    error: MarkIdError,
    decision: PolicyDecision,
  ): Result<T, ExecutionFailure> => err({ error, decision, attempts, reason });

  for (;;) {
    const slotWaitMs = available() - expectedAttemptMs;
    const slot =
      slotWaitMs >= 0 && (options.limiter === undefined || (await options.limiter.acquireWithin(slotWaitMs)));
    const timeBudgetMs = available();
    if (!slot || timeBudgetMs <= 0) {
      return last === undefined
        ? failure("deadline", NOT_SENT, decide(NOT_SENT))
        : failure("deadline", last.error, last.decision);
    }

    attempts += 1;
    const attempt = attempts;
    const startedWithMs = options.remainingTimeMs();
    const result = await operation({ attempt, timeBudgetMs }).match(
      (value) => ({ ok: true as const, value }),
      (error) => ({ ok: false as const, error }),
    );
    const durationMs = Math.max(0, startedWithMs - options.remainingTimeMs());
    expectedAttemptMs = Math.max(expectedAttemptMs, durationMs);

    if (result.ok) {
      options.budget.recordSuccess();
      options.onAttempt?.({ outcome: "success", attempt, durationMs });
      return ok(result.value);
    }

    const error = result.error;
    const decision = decide(error);
    last = { error, decision };
    const stop = (reason: ExecutionFailureReason): Result<T, ExecutionFailure> => {
      options.onAttempt?.({ outcome: "stop", attempt, durationMs, error, decision, reason });
      return failure(reason, error, decision);
    };

    if (decision.action === "refresh-credentials") {
      if (refreshed) return stop("credentials-rejected");
      if (options.refreshCredentials === undefined) return stop("not-retryable");
      refreshed = true;
      const refresh = await options.refreshCredentials().match(
        ({ changed }) => ({ failed: false as const, changed }),
        (refreshError) => ({ failed: true as const, error: refreshError }),
      );
      if (refresh.failed) {
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
        return failure("not-retryable", refresh.error, decide(refresh.error));
      }
      if (!refresh.changed) return stop("credentials-unchanged");
      // Not charged to the retry budget nor to maxAttempts: after a key rotation every in-flight
      // event needs exactly this one retry, and it says nothing about Mark ID's health.
      // Forget the 401: should the deadline now stop the retry, the failure must not carry the
      // credentials-invalid alert for a key pair that has just been replaced.
      last = undefined;
      options.onAttempt?.({
        outcome: "retry",
        attempt,
        durationMs,
        error,
        decision,
        delayMs: 0,
        after: "credential-refresh",
      });
      continue;
    }

    if (decision.backoff === null) return stop("not-retryable");

    // WHY: POST /api/v2/token spends a verification credit. An error reply means Mark ID made no
    // token, so it is retried like any other; but after a timeout or a reset once the request
    // was sent, Mark ID may have made one, and a retry could spend a second credit for the same
    // request. By default the event goes back to the queue (the flow's idempotency record decides
    // what a redelivery does); the flow may opt in to retrying here (README "Unknown outcomes").
    if (
      options.isCreditSpending === true &&
      isUnknownOutcome(error) &&
      options.retryUnknownOutcome !== true
    ) {
      return stop("unknown-outcome");
    }

    if (backoffRetries + 1 >= options.maxAttempts) return stop("attempts-exhausted");

    const baseDelayMs =
      decision.backoff === "rate-limited" ? options.rateLimitedBaseDelayMs : options.baseDelayMs;
    const delayMs = nextDelayMs(
      backoffRetries,
      { baseDelayMs, maxDelayMs: options.maxDelayMs },
      random,
      retryAfterMsOf(error),
    );
    if (delayMs + expectedAttemptMs > available()) return stop("deadline");
    if (!options.budget.tryWithdraw()) return stop("budget-exhausted");

    backoffRetries += 1;
    options.onAttempt?.({
      outcome: "retry",
      attempt,
      durationMs,
      error,
      decision,
      delayMs,
      after: "backoff",
    });
    await sleep(delayMs);
  }
}
