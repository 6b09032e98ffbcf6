/**
 * A per-container retry budget: a token bucket where each retry spends one token and each success
 * puts back a fraction of one, up to the capacity. During an outage the retries stop once the
 * bucket is empty — every event still gets its first attempt, but the container no longer
 * multiplies its load on a failing Mark ID by the retry count — and they resume as successes
 * refill it. The same idea as gRPC's retry throttling (tokens −1 per failure, +token_ratio per
 * success) and the AWS SDK's retry quota (a retry costs from the quota, a success refunds it).
 * Hand-written because it is a counter; no clock, so it is pure and trivially testable.
 */
export interface RetryBudget {
  /** Spend one token for a retry; false (and nothing spent) when fewer than one is left. */
  tryWithdraw(): boolean;
  /** A call succeeded: refill a fraction of a token. */
  recordSuccess(): void;
  /** Tokens left (may be fractional). */
  available(): number;
}

export interface RetryBudgetOptions {
  /** The most retries the container may have "in credit" (Config RETRY_BUDGET). */
  readonly capacity: number;
  /** Tokens returned per success; 0.1 means ten successes pay for one retry. */
  readonly refillPerSuccess?: number;
}

const DEFAULT_REFILL_PER_SUCCESS = 0.1;

export function createRetryBudget(options: RetryBudgetOptions): RetryBudget {
  const capacity = Math.max(0, options.capacity);
  const refill = Math.max(0, options.refillPerSuccess ?? DEFAULT_REFILL_PER_SUCCESS);
  let tokens = capacity;
  return {
    tryWithdraw() {
      // A small epsilon absorbs the float error of adding 0.1 ten times.
      if (tokens < 1 - 1e-9) return false;
      tokens = Math.max(0, tokens - 1);
      return true;
    },
    recordSuccess() {
      tokens = Math.min(capacity, tokens + refill);
    },
    available() {
      return tokens;
    },
  };
}
