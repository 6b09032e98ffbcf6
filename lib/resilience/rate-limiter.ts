import { setTimeout as delay } from "node:timers/promises";
import type { Config } from "../config";

/**
 * A client-side token bucket that keeps one container to its share of the account's Mark ID rate
 * limit, so the deployment stays under it by construction and a 429 is the exception (design.md
 * §3). Each caller reserves a token up front — the bucket may go below zero — and sleeps until
 * its reservation matures: concurrent callers queue in arrival order without polling. A caller
 * whose reservation would mature after its deadline is refused without reserving, so it never
 * sleeps past the deadline and never delays the callers behind it.
 * Hand-written because the npm limiters have no deadline refusal and no injectable clock.
 */
export interface RateLimiter {
  /** Wait for a slot; false, at once, when it would not come by `deadlineAtMs` (on the limiter's clock). */
  acquire(deadlineAtMs: number): Promise<boolean>;
  /** Same, with the deadline given as the longest acceptable wait from now. */
  acquireWithin(maxWaitMs: number): Promise<boolean>;
}

export interface RateLimiterOptions {
  /** Sustained rate, > 0. */
  readonly ratePerSecond: number;
  /** Calls that may go back to back after a quiet period; default 1 (strict spacing). */
  readonly burst?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const rate = options.ratePerSecond;
  const burst = Math.max(1, options.burst ?? 1);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  let tokens = burst;
  let refilledAt = now();

  function refill(at: number): void {
    if (at > refilledAt) {
      tokens = Math.min(burst, tokens + ((at - refilledAt) * rate) / 1000);
      refilledAt = at;
    }
  }

  async function acquire(deadlineAtMs: number): Promise<boolean> {
    const at = now();
    refill(at);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    const waitMs = Math.ceil(((1 - tokens) * 1000) / rate);
    if (at + waitMs > deadlineAtMs) return false;
    tokens -= 1;
    await sleep(waitMs);
    return true;
  }

  return {
    acquire,
    acquireWithin: (maxWaitMs) => acquire(now() + maxWaitMs),
  };
}

/**
 * The share of the account's rate kept for the reconciler's status calls (design.md §4.4); the
 * request consumers' containers split the rest (rateLimiterFromConfig). Two limiters that each
 * keep to their share keep the deployment under MARKID_RATE_LIMIT_PER_HOUR by construction, however
 * busy the queue is while a reconciliation runs. 10 %: at the default 10,000/h the reconciler may
 * make 1,000 calls an hour, while a run every 15 minutes makes at most RECONCILE_MAX_PER_RUN (100),
 * 400 an hour; the queue keeps 9,000/h for tokens. Assumes one reconciliation runs at a time.
 */
export const RECONCILER_RATE_SHARE = 0.1;

/** Status calls a run makes back to back before the spacing starts: a run of a few sessions is not slowed. */
const RECONCILER_BURST = 10;

/** This container's share: the consumers' part of the hourly limit spread over the containers that may run at once. */
export function rateLimiterFromConfig(
  config: Pick<Config, "MARKID_RATE_LIMIT_PER_HOUR" | "MARKID_MAX_CONTAINERS">,
  overrides: Omit<RateLimiterOptions, "ratePerSecond"> = {},
): RateLimiter {
  return createRateLimiter({
    ...overrides,
    ratePerSecond:
      (config.MARKID_RATE_LIMIT_PER_HOUR * (1 - RECONCILER_RATE_SHARE)) / 3600 / config.MARKID_MAX_CONTAINERS,
  });
}

/**
 * The reconciler's limiter: RECONCILER_RATE_SHARE of the hourly limit, with a burst. The burst comes
 * out of the hour's share (in any hour the bucket grants at most burst + rate × 3600 calls), so
 * the share holds with it. At the default 10,000/h: 10 calls at once, then one every 3.6 s, so a
 * full run of 100 takes about 5.5 minutes of waiting (10 + 90 × 3.64 s) and one of 10 none.
 */
export function reconcilerRateLimiter(
  config: Pick<Config, "MARKID_RATE_LIMIT_PER_HOUR">,
  overrides: Omit<RateLimiterOptions, "ratePerSecond" | "burst"> = {},
): RateLimiter {
  const perHour = config.MARKID_RATE_LIMIT_PER_HOUR * RECONCILER_RATE_SHARE;
  const burst = Math.min(RECONCILER_BURST, perHour / 2);
  return createRateLimiter({ ...overrides, burst, ratePerSecond: (perHour - burst) / 3600 });
}
