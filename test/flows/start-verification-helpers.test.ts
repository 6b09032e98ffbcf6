import { errAsync, okAsync, ResultAsync } from "neverthrow";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Alerter } from "../../lib/aws/alerts";
import { createConcurrencyLimit } from "../../lib/resilience/concurrency";
import { createTokenLimitClearer } from "../../lib/flows/start-verification/token-limit";

/* The two small mechanisms under the start-verification handler: the token-limit memo and the concurrency limit. */

describe("createTokenLimitClearer", () => {
  function setup(firing: boolean[] = []) {
    let now = 0;
    const calls: string[] = [];
    const alerter: Pick<Alerter, "clear"> = {
      clear: (type) => {
        calls.push(type);
        return okAsync({ sent: firing.shift() ?? false });
      },
    };
    const clearer = createTokenLimitClearer(alerter, { now: () => now, recheckMs: 1_000 });
    return { clearer, calls, advance: (ms: number) => (now += ms) };
  }

  it("asks the alert state after the first token, then not again within the recheck interval", async () => {
    const { clearer, calls, advance } = setup();
    expect((await clearer.afterTokenCreated())._unsafeUnwrap()).toEqual({ sent: false, checked: true });
    advance(999);
    expect((await clearer.afterTokenCreated())._unsafeUnwrap()).toEqual({ sent: false, checked: false });
    advance(1);
    expect((await clearer.afterTokenCreated())._unsafeUnwrap()).toEqual({ sent: false, checked: true });
    expect(calls).toEqual(["markid.token-limit-reached", "markid.token-limit-reached"]);
  });

  it("asks at once after this container met the limit", async () => {
    const { clearer, calls } = setup([false, true]);
    (await clearer.afterTokenCreated())._unsafeUnwrap();
    clearer.noteLimitReached();
    expect((await clearer.afterTokenCreated())._unsafeUnwrap()).toEqual({ sent: true, checked: true });
    expect(calls).toHaveLength(2);
  });

  it("a clear in flight when the limit is met does not count as 'nothing firing'", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const clearer = createTokenLimitClearer(
      {
        clear: () => {
          calls += 1;
          return ResultAsync.fromSafePromise(gate).map(() => ({ sent: false }));
        },
      },
      { now: () => 0, recheckMs: 60_000 },
    );
    const inFlight = clearer.afterTokenCreated();
    clearer.noteLimitReached();
    release();
    (await inFlight)._unsafeUnwrap();
    (await clearer.afterTokenCreated())._unsafeUnwrap();
    expect(calls).toBe(2);
  });

  it("a failed clear is retried by the next token", async () => {
    let calls = 0;
    const clearer = createTokenLimitClearer(
      {
        clear: () => {
          calls += 1;
          return calls === 1
            ? errAsync({
                kind: "aws",
                service: "dynamodb",
                operation: "UpdateItem",
                code: "X",
                retryable: true,
                message: "x",
              } as const)
            : okAsync({ sent: true });
        },
      },
      { now: () => 0 },
    );
    expect((await clearer.afterTokenCreated()).isErr()).toBe(true);
    expect((await clearer.afterTokenCreated())._unsafeUnwrap()).toEqual({ sent: true, checked: true });
  });
});

describe("createConcurrencyLimit", () => {
  it("never runs more than the limit at once, runs them all, and keeps each call's result", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(fc.nat(3), fc.boolean()), { minLength: 0, maxLength: 25 }),
        async (limit, jobs) => {
          const run = createConcurrencyLimit(limit);
          let running = 0;
          let peak = 0;
          const task = run(async (index: number, ticks: number, fails: boolean) => {
            running += 1;
            peak = Math.max(peak, running);
            for (let i = 0; i < ticks; i++) await Promise.resolve();
            running -= 1;
            if (fails) throw new Error(`job ${index}`);
            return index;
          });
          const results = await Promise.allSettled(
            jobs.map(([ticks, fails], index) => task(index, ticks, fails)),
          );
          expect(peak).toBeLessThanOrEqual(limit);
          if (jobs.length >= limit) expect(peak).toBeGreaterThan(0);
          results.forEach((result, index) => {
            if (jobs[index]![1])
              expect(result).toEqual({ status: "rejected", reason: new Error(`job ${index}`) });
            else expect(result).toEqual({ status: "fulfilled", value: index });
          });
          expect(running).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("reaches the limit when there is enough work, and starts waiters in arrival order", async () => {
    const run = createConcurrencyLimit(2);
    const started: number[] = [];
    const gates: (() => void)[] = [];
    const task = run(
      (index: number) =>
        new Promise<number>((resolve) => {
          started.push(index);
          gates.push(() => resolve(index));
        }),
    );
    const all = Promise.all([0, 1, 2, 3].map((index) => task(index)));
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1]!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    gates[0]!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2]!();
    gates[3]!();
    expect(await all).toEqual([0, 1, 2, 3]);
  });

  it("treats a nonsensical limit as 1", async () => {
    for (const limit of [0, -3, Number.NaN]) {
      const run = createConcurrencyLimit(limit);
      let running = 0;
      let peak = 0;
      const task = run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await Promise.resolve();
        running -= 1;
      });
      await Promise.all([task(), task(), task()]);
      expect(peak).toBe(1);
    }
  });
});
