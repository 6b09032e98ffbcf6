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

/** This container's share: the account's hourly limit spread over the containers that may run at once. */
export function rateLimiterFromConfig(
  config: Pick<Config, "MARKID_RATE_LIMIT_PER_HOUR" | "MARKID_MAX_CONTAINERS">,
  overrides: Omit<RateLimiterOptions, "ratePerSecond"> = {},
): RateLimiter {
  return createRateLimiter({
    ...overrides,
    ratePerSecond: config.MARKID_RATE_LIMIT_PER_HOUR / 3600 / config.MARKID_MAX_CONTAINERS,
  });
}
