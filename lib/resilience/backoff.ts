import type { MarkIdError } from "../markid/errors";

/**
 * Capped exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS Architecture
 * Blog): delay = random(0, min(cap, base · 2^attempt)). Full jitter spreads the retries of many
 * containers hit by the same outage over the whole window, where plain exponential backoff would
 * make them retry in lockstep. Hand-written: it is three lines, and the retry libraries on npm
 * own the loop (and throw), while the loop here must follow the policy, deadline and budget.
 */
export interface BackoffOptions {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

// 2^52 · base is still a finite number; beyond it `base * 2 ** attempt` could become Infinity (or
// NaN for a zero base), and the cap is reached long before anyway.
const MAX_EXPONENT = 52;

/** The ceiling of the jitter window for the retry after failed attempt number `attempt` (0-based). */
export function backoffCeilingMs(attempt: number, options: BackoffOptions): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), MAX_EXPONENT);
  return Math.max(0, Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** exponent));
}

/**
 * A full-jitter delay in whole milliseconds, 0 ≤ delay ≤ backoffCeilingMs(attempt).
 * `random` returns a number in [0, 1) like Math.random; out-of-range values are clamped.
 */
export function fullJitterDelayMs(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = backoffCeilingMs(attempt, options);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.min(ceiling, Math.floor(r * (ceiling + 1)));
}

/**
 * The delay before the next attempt. A Retry-After from Mark ID is the earliest moment a retry
 * can succeed, so it is honoured exactly as a lower bound — max(retryAfter, jittered) — and NOT
 * cut to the cap: retrying earlier only earns another 429. Whether it fits the invocation is the
 * caller's check (executeWithPolicy gives up, and gives the event back, when it does not).
 */
export function nextDelayMs(
  attempt: number,
  options: BackoffOptions,
  random: () => number,
  retryAfterMs?: number,
): number {
  const jittered = fullJitterDelayMs(attempt, options, random);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}

/** The Retry-After the transport parsed from the reply, in milliseconds, when there was one. */
export function retryAfterMsOf(error: MarkIdError): number | undefined {
  if (error.kind !== "api" && error.kind !== "http") return undefined;
  const seconds = error.retryAfterSeconds;
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.ceil(seconds * 1000);
}
