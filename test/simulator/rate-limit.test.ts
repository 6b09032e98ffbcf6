import { describe, expect, it } from "vitest";
import { TokenBucket } from "../../local/simulator/rate-limit";

describe("simulator rate limit (token bucket)", () => {
  it("admits one second's worth at once, then one per 1/rate", () => {
    const bucket = new TokenBucket(2, 0);
    expect([bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0)]).toEqual([true, true, false]);
    expect(bucket.tryTake(499)).toBe(false);
    expect(bucket.tryTake(500)).toBe(true);
    expect(bucket.tryTake(500)).toBe(false);
  });

  it("holds the configured rate over a sustained burst", () => {
    const bucket = new TokenBucket(25, 0);
    let admitted = 0;
    // A request every 5 ms (200/s) for 10 s against 25/s.
    for (let at = 0; at < 10_000; at += 5) if (bucket.tryTake(at)) admitted += 1;
    // The first second's worth, then 25 per second.
    expect(admitted).toBeGreaterThanOrEqual(25 + 249);
    expect(admitted).toBeLessThanOrEqual(25 + 250);
  });

  it("admits a request per interval below one per second instead of refusing them all", () => {
    const bucket = new TokenBucket(0.5, 0);
    expect(bucket.tryTake(0)).toBe(true);
    expect(bucket.tryTake(1_000)).toBe(false);
    expect(bucket.secondsUntilNext()).toBe(1);
    expect(bucket.tryTake(2_000)).toBe(true);
    expect(bucket.tryTake(2_000)).toBe(false);
    expect(bucket.secondsUntilNext()).toBe(2);
  });
});
