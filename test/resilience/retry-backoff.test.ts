import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  backoffCeilingMs,
  fullJitterDelayMs,
  nextDelayMs,
  retryAfterMsOf,
} from "../../lib/resilience/backoff";

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const settings = fc.record({
  baseDelayMs: fc.integer({ min: 0, max: 10_000 }),
  maxDelayMs: fc.integer({ min: 0, max: 120_000 }),
});

describe("full-jitter backoff", () => {
  it("keeps every delay within 0 ≤ delay ≤ min(cap, base·2^attempt)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000 }), settings, unit, (attempt, options, r) => {
        const delay = fullJitterDelayMs(attempt, options, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        // base · 2^attempt overflows to Infinity for large attempts (and 0 · Infinity is NaN).
        const window =
          options.baseDelayMs === 0 ? 0 : Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
        expect(delay).toBeLessThanOrEqual(window);
        expect(Number.isInteger(delay)).toBe(true);
      }),
    );
  });

  it("doubles the window per attempt until the cap", () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect([0, 1, 2, 3, 4, 5, 60, 5_000].map((a) => backoffCeilingMs(a, options))).toEqual([
      100, 200, 400, 800, 1_000, 1_000, 1_000, 1_000,
    ]);
  });

  it("spans the whole window: 0 for the lowest random, the ceiling for the highest", () => {
    const options = { baseDelayMs: 200, maxDelayMs: 10_000 };
    expect(fullJitterDelayMs(3, options, () => 0)).toBe(0);
    expect(fullJitterDelayMs(3, options, () => 0.999_999_9)).toBe(1_600);
    expect(fullJitterDelayMs(3, options, () => 0.5)).toBe(800);
  });

  it("clamps a misbehaving random source instead of leaving the window", () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(fullJitterDelayMs(0, options, () => 7)).toBe(100);
    expect(fullJitterDelayMs(0, options, () => -3)).toBe(0);
  });
});

describe("Retry-After", () => {
  it("is honoured as a lower bound, even above the cap", () => {
    const options = { baseDelayMs: 200, maxDelayMs: 1_000 };
    expect(nextDelayMs(0, options, () => 0.5, 5_000)).toBe(5_000);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        unit,
        fc.integer({ min: 0, max: 60_000 }),
        (attempt, r, after) => {
          const delay = nextDelayMs(attempt, options, () => r, after);
          expect(delay).toBeGreaterThanOrEqual(after);
          expect(delay).toBe(
            Math.max(
              after,
              fullJitterDelayMs(attempt, options, () => r),
            ),
          );
        },
      ),
    );
  });

  it("is read from API and HTTP errors, in milliseconds", () => {
    expect(retryAfterMsOf({ kind: "http", status: 429, bodyExcerpt: "", retryAfterSeconds: 3 })).toBe(3_000);
    expect(
      retryAfterMsOf({
        kind: "api",
        identifier: "TOO_MANY_REQUESTS",
        status: 429,
        message: "m",
        retryAfterSeconds: 1.5,
      }),
    ).toBe(1_500);
    expect(retryAfterMsOf({ kind: "http", status: 503, bodyExcerpt: "" })).toBeUndefined();
    expect(
      retryAfterMsOf({ kind: "http", status: 429, bodyExcerpt: "", retryAfterSeconds: -1 }),
    ).toBeUndefined();
    expect(retryAfterMsOf({ kind: "timeout", timeoutMs: 10 })).toBeUndefined();
  });
});
