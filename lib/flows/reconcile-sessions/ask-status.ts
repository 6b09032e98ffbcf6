import type { ResultAsync } from "neverthrow";
import { statusEndpoint } from "../../markid/endpoints";
import type { StatusResponse } from "../../markid/schemas/verification";
import type { AttemptInfo, ExecutionFailure } from "../../resilience/execute";
import { callMarkId } from "../call-markid";
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
  return callMarkId(
    deps,
    statusEndpoint,
    { scanRef },
    {
      remainingTimeMs: settings.remainingTimeMs,
      safetyMarginMs: settings.safetyMarginMs,
      limiter: firstSlotTaken(deps.limiter),
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
