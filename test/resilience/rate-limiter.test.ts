import { describe, expect, it } from "vitest";
import {
  createRateLimiter,
  rateLimiterFromConfig,
  reconcilerRateLimiter,
  RECONCILER_RATE_SHARE,
  type RateLimiter,
} from "../../lib/resilience/rate-limiter";

/** A clock that only moves when someone sleeps: sleeps resolve in wake-up order. */
function fakeClock(start = 1_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleeps,
    sleep: (ms: number) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

describe("rate limiter", () => {
  it("spaces calls 1/rate apart once the burst is spent", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ ratePerSecond: 2, now: clock.now, sleep: clock.sleep });
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      expect(await limiter.acquire(Number.POSITIVE_INFINITY)).toBe(true);
      times.push(clock.now());
    }
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps).toEqual([500, 500, 500, 500]);
  });

  it("lets a burst through at once, then spaces", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 3, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 3; i += 1) expect(await limiter.acquire(clock.now())).toBe(true);
    expect(clock.sleeps).toEqual([]);
    expect(await limiter.acquire(Number.POSITIVE_INFINITY)).toBe(true);
    expect(clock.sleeps).toEqual([1_000]);
  });

  it("refills with idle time, up to the burst", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 2, now: clock.now, sleep: clock.sleep });
    await limiter.acquire(Number.POSITIVE_INFINITY);
    await limiter.acquire(Number.POSITIVE_INFINITY);
    await clock.sleep(60_000); // idle for a minute: still only `burst` tokens
    clock.sleeps.length = 0;
    expect(await limiter.acquire(clock.now())).toBe(true);
    expect(await limiter.acquire(clock.now())).toBe(true);
    expect(await limiter.acquire(clock.now())).toBe(false);
    expect(clock.sleeps).toEqual([]);
  });

  it("queues concurrent callers in arrival order, each one interval after the other", async () => {
    const clock = fakeClock();
    // Sleeps resolve only when released, so all three reserve before any wakes up.
    const pending: { ms: number; wake: () => void }[] = [];
    const limiter = createRateLimiter({
      ratePerSecond: 4,
      now: clock.now,
      sleep: (ms) => new Promise<void>((wake) => pending.push({ ms, wake })),
    });
    const first = await limiter.acquire(Number.POSITIVE_INFINITY);
    const rest = [limiter.acquire(Number.POSITIVE_INFINITY), limiter.acquire(Number.POSITIVE_INFINITY)];
    expect(first).toBe(true);
    expect(pending.map((p) => p.ms)).toEqual([250, 500]);
    pending.forEach((p) => p.wake());
    expect(await Promise.all(rest)).toEqual([true, true]);
  });

  it("refuses at once, without sleeping or reserving, when the slot comes after the deadline", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ ratePerSecond: 1, now: clock.now, sleep: clock.sleep });
    expect(await limiter.acquire(clock.now())).toBe(true);
    expect(await limiter.acquire(clock.now() + 999)).toBe(false);
    expect(await limiter.acquireWithin(500)).toBe(false);
    expect(clock.sleeps).toEqual([]);
    // The refusals reserved nothing: the next caller with time waits one interval only.
    expect(await limiter.acquireWithin(1_000)).toBe(true);
    expect(clock.sleeps).toEqual([1_000]);
  });

  it("never sleeps past the deadline", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ ratePerSecond: 3, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 50; i += 1) {
      const deadline = clock.now() + ((i * 37) % 400);
      const before = clock.now();
      const granted = await limiter.acquire(deadline);
      expect(clock.now()).toBeLessThanOrEqual(Math.max(before, deadline));
      if (!granted) expect(clock.now()).toBe(before);
    }
  });

  it("gives each consumer container its share of the hourly limit, less the reconciler's share", async () => {
    const clock = fakeClock();
    const limiter = rateLimiterFromConfig(
      { MARKID_RATE_LIMIT_PER_HOUR: 8_000, MARKID_MAX_CONTAINERS: 2 },
      { now: clock.now, sleep: clock.sleep },
    );
    await limiter.acquire(Number.POSITIVE_INFINITY);
    await limiter.acquire(Number.POSITIVE_INFINITY);
    expect(clock.sleeps).toEqual([1_000]); // 90 % of 8000/h over 2 containers = 1 per second each
  });
});

describe("the reconciler's limiter", () => {
  it("lets a small run through at once, then spaces calls to its share of the hourly limit", async () => {
    const clock = fakeClock();
    const limiter = reconcilerRateLimiter(
      { MARKID_RATE_LIMIT_PER_HOUR: 10_000 },
      { now: clock.now, sleep: clock.sleep },
    );
    for (let i = 0; i < 10; i += 1) expect(await limiter.acquire(clock.now())).toBe(true);
    expect(clock.sleeps).toEqual([]);
    expect(await limiter.acquire(Number.POSITIVE_INFINITY)).toBe(true);
    expect(clock.sleeps).toEqual([3_637]); // (1000 − 10 burst) per hour
  });

  it("with the consumers' limiters, keeps the deployment under the configured rate in any hour", async () => {
    const config = { MARKID_RATE_LIMIT_PER_HOUR: 10_000, MARKID_MAX_CONTAINERS: 3 };
    const HOUR = 3_600_000;
    const grantedWithinHour = async (limiter: (c: ReturnType<typeof fakeClock>) => RateLimiter) => {
      const clock = fakeClock();
      const end = clock.now() + HOUR;
      const instance = limiter(clock);
      let granted = 0;
      while (await instance.acquire(end)) granted += 1;
      return granted;
    };
    const consumer = await grantedWithinHour((clock) =>
      rateLimiterFromConfig(config, { now: clock.now, sleep: clock.sleep }),
    );
    const reconciler = await grantedWithinHour((clock) =>
      reconcilerRateLimiter(config, { now: clock.now, sleep: clock.sleep }),
    );
    expect(reconciler).toBeLessThanOrEqual(10_000 * RECONCILER_RATE_SHARE);
    // Each consumer bucket starts with its one token: at most one call per container above the share.
    expect(consumer * 3 + reconciler).toBeLessThanOrEqual(10_000 + 3);
    expect(reconciler).toBeGreaterThan(990);
  });
});
