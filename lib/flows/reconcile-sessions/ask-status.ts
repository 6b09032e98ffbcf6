import type { ResultAsync } from "neverthrow";
import { callEndpoint } from "../../markid/endpoint";
import { statusEndpoint } from "../../markid/endpoints";
import type { StatusResponse } from "../../markid/schemas/verification";
import { executeWithPolicy, type AttemptInfo, type ExecutionFailure } from "../../resilience/execute";
import type { RateLimiter } from "../../resilience/rate-limiter";
import type { RunScope } from "./types";

/**
 * POST /api/v2/status for one scanRef under the error policy (design.md §3): transient failures
 * retried inside the deadline and the retry budget, one credential refresh on UNAUTHORIZED. A
 * read: never POST /api/v2/token, and a call cut short by the deadline spends nothing.
 *
 * The first call's rate-limiter slot was taken before the session was claimed (session.ts), so a
 * session is claimed only when it can be asked at once; retries wait for slots of their own.
 */
export function askStatus(
  scope: RunScope,
  scanRef: string,
  onAttempt: (info: AttemptInfo) => void,
): ResultAsync<StatusResponse, ExecutionFailure> {
  const { deps, settings } = scope;
  const timeoutMs = deps.config.MARKID_TIMEOUT_MS;
  return executeWithPolicy(
    (attempt) =>
      callEndpoint(
        deps.markIdTransport,
        statusEndpoint,
        { scanRef },
        { timeoutMs: Math.max(1, Math.min(timeoutMs, attempt.timeBudgetMs)) },
      ),
    {
      ...deps.retry,
      remainingTimeMs: settings.remainingTimeMs,
      safetyMarginMs: settings.safetyMarginMs,
      budget: deps.budget,
      limiter: firstSlotTaken(deps.limiter),
      refreshCredentials: () => deps.refreshCredentials(),
      onAttempt,
      ...(settings.sleep === undefined ? {} : { sleep: settings.sleep }),
      ...(settings.random === undefined ? {} : { random: settings.random }),
    },
  );
}

/** The limiter for a call whose first slot is already held: that acquire is granted at once. */
export function firstSlotTaken(limiter: RateLimiter): RateLimiter {
  let held = true;
  const take = (): boolean => {
    const had = held;
    held = false;
    return had;
  };
  return {
    acquire: (deadlineAtMs) => (take() ? Promise.resolve(true) : limiter.acquire(deadlineAtMs)),
    acquireWithin: (maxWaitMs) => (take() ? Promise.resolve(true) : limiter.acquireWithin(maxWaitMs)),
  };
}
