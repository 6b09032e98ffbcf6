import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { ResultAsync } from "neverthrow";
import { errAsync, okAsync, type Result } from "neverthrow";
import type { MarkIdError } from "../../lib/markid/errors";
import {
  executeWithPolicy,
  type AttemptContext,
  type AttemptInfo,
  type ExecuteOptions,
  type ExecutionFailure,
} from "../../lib/resilience/execute";
import { DECISIONS } from "../../lib/resilience/policy";
import { createRateLimiter, type RateLimiter } from "../../lib/resilience/rate-limiter";
import { createRetryBudget } from "../../lib/resilience/retry-budget";

const E = {
  internal: { kind: "api", identifier: "INTERNAL_ERROR", status: 400, message: "boom" },
  http503: { kind: "http", status: 503, bodyExcerpt: "<html>Service Unavailable</html>" },
  http429: { kind: "http", status: 429, bodyExcerpt: "" },
  tooMany: { kind: "api", identifier: "TOO_MANY_REQUESTS", status: 429, message: "slow down" },
  unauthorized: { kind: "api", identifier: "UNAUTHORIZED", status: 401, message: "no" },
  badValue: { kind: "api", identifier: "BAD_VALUE", status: 400, message: "bad" },
  tokenNotValid: { kind: "api", identifier: "TOKEN_NOT_VALID", status: 400, message: "expired" },
  timeout: { kind: "timeout", timeoutMs: 10_000 },
  reset: { kind: "network", message: "ECONNRESET", maybeSent: true },
  refused: { kind: "network", message: "ECONNREFUSED", maybeSent: false },
  secrets: { kind: "credentials-unavailable", message: "ThrottlingException" },
} as const satisfies Record<string, MarkIdError>;

/** Time moves only through sleeps and the operations' own durations. */
function harness(remainingAtStartMs = 30_000) {
  let now = 0;
  const slept: number[] = [];
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    slept,
    remainingTimeMs: () => remainingAtStartMs - now,
    sleep: (ms: number) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}
type Harness = ReturnType<typeof harness>;

type Step =
  | { readonly error: MarkIdError; readonly durationMs?: number }
  | { readonly value: string; readonly durationMs?: number };

/** An operation that plays `steps` in order (the last one repeats), each taking its duration. */
function scripted(h: Harness, steps: readonly Step[]) {
  const contexts: AttemptContext[] = [];
  const operation = (context: AttemptContext): ResultAsync<string, MarkIdError> => {
    const step = steps[Math.min(contexts.length, steps.length - 1)]!;
    contexts.push(context);
    h.advance(step.durationMs ?? 50);
    return "error" in step ? errAsync(step.error) : okAsync(step.value);
  };
  return { operation, contexts, calls: () => contexts.length };
}

function options(h: Harness, overrides: Partial<ExecuteOptions> = {}): ExecuteOptions {
  return {
    remainingTimeMs: h.remainingTimeMs,
    budget: createRetryBudget({ capacity: 100 }),
    maxAttempts: 4,
    baseDelayMs: 200,
    rateLimitedBaseDelayMs: 2_000,
    maxDelayMs: 10_000,
    sleep: h.sleep,
    random: () => 0.5,
    ...overrides,
  };
}

async function failureOf<T>(result: ResultAsync<T, ExecutionFailure>): Promise<ExecutionFailure> {
  const settled: Result<T, ExecutionFailure> = await result;
  if (settled.isOk()) throw new Error("expected a failure");
  return settled.error;
}

describe("executeWithPolicy: what is retried", () => {
  it("returns the first success without retrying", async () => {
    const h = harness();
    const op = scripted(h, [{ value: "token" }]);
    const result = await executeWithPolicy(op.operation, options(h));
    expect(result._unsafeUnwrap()).toBe("token");
    expect(op.calls()).toBe(1);
    expect(h.slept).toEqual([]);
  });

  it("retries transient errors with growing full-jitter delays until success", async () => {
    const h = harness();
    const op = scripted(h, [
      { error: E.internal },
      { error: E.http503 },
      { error: E.refused },
      { value: "ok" },
    ]);
    const events: AttemptInfo[] = [];
    const result = await executeWithPolicy(op.operation, options(h, { onAttempt: (i) => events.push(i) }));
    expect(result._unsafeUnwrap()).toBe("ok");
    expect(op.calls()).toBe(4);
    // random 0.5 → half of min(cap, 200·2^n), rounded down
    expect(h.slept).toEqual([100, 200, 400]);
    expect(events.map((e) => e.outcome)).toEqual(["retry", "retry", "retry", "success"]);
  });

  it("does not retry what the policy does not retry", async () => {
    const h = harness();
    const op = scripted(h, [{ error: E.badValue }]);
    const failure = await failureOf(executeWithPolicy(op.operation, options(h)));
    expect(failure).toEqual({
      error: E.badValue,
      decision: DECISIONS.rejectRequest,
      attempts: 1,
      reason: "not-retryable",
    });
    expect(h.slept).toEqual([]);
  });

  it("stops after maxAttempts calls", async () => {
    const h = harness();
    const op = scripted(h, [{ error: E.http503 }]);
    const failure = await failureOf(executeWithPolicy(op.operation, options(h, { maxAttempts: 3 })));
    expect(failure.reason).toBe("attempts-exhausted");
    expect(failure.attempts).toBe(3);
    expect(op.calls()).toBe(3);
    expect(failure.decision.disposition).toBe("give-back");
  });
});

describe("executeWithPolicy: rate limiting and Retry-After", () => {
  it("uses the longer base delay for 429s", async () => {
    const h = harness(60_000);
    const op = scripted(h, [{ error: E.http429 }, { error: E.tooMany }, { value: "ok" }]);
    await executeWithPolicy(op.operation, options(h, { random: () => 0.999_999 }));
    expect(h.slept).toEqual([2_000, 4_000]);
  });

  it("waits at least the Retry-After, even above the cap", async () => {
    const h = harness(60_000);
    const op = scripted(h, [{ error: { ...E.http429, retryAfterSeconds: 15 } }, { value: "ok" }]);
    const result = await executeWithPolicy(op.operation, options(h, { random: () => 0 }));
    expect(result.isOk()).toBe(true);
    expect(h.slept).toEqual([15_000]);
  });

  it("gives up at once when the Retry-After does not fit in the invocation", async () => {
    const h = harness(10_000);
    const op = scripted(h, [{ error: { ...E.tooMany, retryAfterSeconds: 30 } }]);
    const failure = await failureOf(executeWithPolicy(op.operation, options(h)));
    expect(failure.reason).toBe("deadline");
    expect(failure.decision).toEqual(DECISIONS.rateLimited);
    expect(h.slept).toEqual([]);
  });

  it("acquires a limiter slot before every call, and a refused slot is a deadline failure", async () => {
    const h = harness(5_000);
    let acquires = 0;
    const inner = createRateLimiter({ ratePerSecond: 1, now: h.now, sleep: h.sleep });
    const limiter: RateLimiter = {
      acquire: (deadline) => {
        acquires += 1;
        return inner.acquire(deadline);
      },
      acquireWithin: (maxWaitMs) => {
        acquires += 1;
        return inner.acquireWithin(maxWaitMs);
      },
    };
    const op = scripted(h, [{ error: E.http503, durationMs: 100 }]);
    const failure = await failureOf(
      executeWithPolicy(op.operation, options(h, { limiter, maxAttempts: 10, random: () => 0 })),
    );
    expect(failure.reason).toBe("deadline");
    expect(failure.error).toEqual(E.http503);
    // 4 s usable, one slot per second: the 5th slot would come after the deadline.
    expect(op.calls()).toBe(4);
    expect(acquires).toBe(5);
    expect(h.now()).toBeLessThanOrEqual(4_000);
  });

  it("reports a not-sent error when no slot comes before the first call", async () => {
    const h = harness(1_500);
    const limiter = createRateLimiter({ ratePerSecond: 0.1, now: h.now, sleep: h.sleep });
    await limiter.acquire(Infinity); // someone else took the only token
    const op = scripted(h, [{ value: "never" }]);
    const failure = await failureOf(executeWithPolicy(op.operation, options(h, { limiter })));
    expect(failure.reason).toBe("deadline");
    expect(failure.attempts).toBe(0);
    expect(failure.error).toMatchObject({ kind: "network", maybeSent: false });
    expect(failure.decision.disposition).toBe("give-back");
    expect(op.calls()).toBe(0);
  });
});

describe("executeWithPolicy: the deadline", () => {
  it("makes no call when less than the safety margin is left", async () => {
    const h = harness(900);
    const op = scripted(h, [{ value: "never" }]);
    const failure = await failureOf(executeWithPolicy(op.operation, options(h)));
    expect(failure.reason).toBe("deadline");
    expect(op.calls()).toBe(0);
  });

  it("tells each call how much time it may take", async () => {
    const h = harness(10_000);
    const op = scripted(h, [{ error: E.http503, durationMs: 300 }, { value: "ok" }]);
    await executeWithPolicy(op.operation, options(h, { safetyMarginMs: 2_000, random: () => 0 }));
    expect(op.contexts).toEqual([
      { attempt: 1, timeBudgetMs: 8_000 },
      { attempt: 2, timeBudgetMs: 7_700 },
    ]);
  });

  it("does not start a retry that a call as slow as the last one would carry past the deadline", async () => {
    const h = harness(10_000);
    const op = scripted(h, [{ error: E.timeout, durationMs: 6_000 }, { value: "ok" }]);
    const failure = await failureOf(executeWithPolicy(op.operation, options(h)));
    expect(failure.reason).toBe("deadline");
    expect(op.calls()).toBe(1);
    expect(h.slept).toEqual([]); // it gave up before waiting, not after
  });

  it("never sleeps or calls past remainingTime − safetyMargin (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40_000 }),
        fc.integer({ min: 0, max: 3_000 }),
        fc.array(
          fc.record({
            error: fc.constantFrom<MarkIdError>(E.internal, E.http503, E.http429, E.refused, E.timeout, {
              ...E.tooMany,
              retryAfterSeconds: 4,
            }),
            durationMs: fc.integer({ min: 0, max: 12_000 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 8 }),
        async (remaining, margin, steps, r, maxAttempts) => {
          const h = harness(remaining);
          const usable = remaining - margin;
          // A well-behaved client caps its per-call timeout to the budget it is given.
          const operation = (context: AttemptContext): ResultAsync<string, MarkIdError> => {
            const step = steps[(context.attempt - 1) % steps.length]!;
            expect(context.timeBudgetMs).toBeGreaterThan(0);
            expect(context.timeBudgetMs).toBe(usable - h.now());
            h.advance(Math.min(step.durationMs, context.timeBudgetMs));
            return errAsync(step.error);
          };
          const failure = await failureOf(
            executeWithPolicy(
              operation,
              options(h, { safetyMarginMs: margin, random: () => r, maxAttempts, maxDelayMs: 5_000 }),
            ),
          );
          expect(h.now()).toBeLessThanOrEqual(Math.max(0, usable));
          if (usable <= 0) expect(failure.attempts).toBe(0);
          expect(failure.attempts).toBeLessThanOrEqual(maxAttempts);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("executeWithPolicy: the retry budget", () => {
  it("drains under a full outage: once empty, each event gets exactly one call", async () => {
    const budget = createRetryBudget({ capacity: 5 });
    const callsPerEvent: number[] = [];
    const reasons: string[] = [];
    for (let event = 0; event < 20; event += 1) {
      const h = harness();
      const op = scripted(h, [{ error: E.http503 }]);
      const failure = await failureOf(executeWithPolicy(op.operation, options(h, { budget })));
      callsPerEvent.push(op.calls());
      reasons.push(failure.reason);
    }
    expect(callsPerEvent.reduce((a, b) => a + b, 0)).toBe(20 + 5);
    expect(callsPerEvent.slice(0, 2)).toEqual([4, 3]); // 3 retries, then the last 2 tokens
    expect(callsPerEvent.slice(2).every((calls) => calls === 1)).toBe(true);
    expect(reasons.slice(2).every((reason) => reason === "budget-exhausted")).toBe(true);
  });

  it("refills after successes and retries again", async () => {
    const budget = createRetryBudget({ capacity: 1, refillPerSuccess: 0.1 });
    const run = async (steps: Step[]) => {
      const h = harness();
      const op = scripted(h, steps);
      const result = await executeWithPolicy(op.operation, options(h, { budget }));
      return { calls: op.calls(), ok: result.isOk() };
    };
    expect(await run([{ error: E.http503 }, { value: "ok" }])).toEqual({ calls: 2, ok: true }); // spends the token, +0.1
    expect(await run([{ error: E.http503 }, { value: "ok" }])).toEqual({ calls: 1, ok: false }); // 0.1 < 1
    for (let i = 0; i < 9; i += 1) expect((await run([{ value: "ok" }])).ok).toBe(true); // back to 1.0
    expect(await run([{ error: E.http503 }, { value: "ok" }])).toEqual({ calls: 2, ok: true });
  });

  it("does not spend budget on a retry the deadline forbids", async () => {
    const budget = createRetryBudget({ capacity: 3 });
    const h = harness(1_100);
    const op = scripted(h, [{ error: E.http503, durationMs: 90 }]);
    const failure = await failureOf(
      executeWithPolicy(op.operation, options(h, { budget, random: () => 0.9 })),
    );
    expect(failure.reason).toBe("deadline");
    expect(budget.available()).toBe(3);
  });
});

describe("executeWithPolicy: UNAUTHORIZED", () => {
  const refresher = (changed: boolean) => {
    let calls = 0;
    return {
      refreshCredentials: () => {
        calls += 1;
        return okAsync({ changed });
      },
      calls: () => calls,
    };
  };

  it("refreshes the credentials and retries once, at once, when they changed", async () => {
    const h = harness();
    const op = scripted(h, [{ error: E.unauthorized }, { value: "ok" }]);
    const refresh = refresher(true);
    const budget = createRetryBudget({ capacity: 0 });
    const result = await executeWithPolicy(
      op.operation,
      options(h, { refreshCredentials: refresh.refreshCredentials, budget }),
    );
    expect(result._unsafeUnwrap()).toBe("ok");
    expect(refresh.calls()).toBe(1);
    expect(op.calls()).toBe(2);
    expect(h.slept).toEqual([]); // and without the (empty) retry budget
  });

  it("refreshes only once: refused again with the new key pair is credentials-rejected", async () => {
    const h = harness();
    const op = scripted(h, [{ error: { kind: "http", status: 401, bodyExcerpt: "" } }]);
    const refresh = refresher(true);
    const failure = await failureOf(
      executeWithPolicy(op.operation, options(h, { refreshCredentials: refresh.refreshCredentials })),
    );
    expect(failure.reason).toBe("credentials-rejected");
    expect(failure.decision.alert).toBe("markid.credentials-invalid");
    expect(refresh.calls()).toBe(1);
    expect(op.calls()).toBe(2);
  });

  it("fails with credentials-unchanged when the re-read key pair is the same", async () => {
    const h = harness();
    const op = scripted(h, [{ error: E.unauthorized }, { value: "never" }]);
    const refresh = refresher(false);
    const failure = await failureOf(
      executeWithPolicy(op.operation, options(h, { refreshCredentials: refresh.refreshCredentials })),
    );
    expect(failure).toEqual({
      error: E.unauthorized,
      decision: DECISIONS.refreshCredentials,
      attempts: 1,
      reason: "credentials-unchanged",
    });
    expect(failure.decision.disposition).toBe("give-back");
  });

  it("gives the event back without a credentials alert when Secrets Manager fails the refresh", async () => {
    const h = harness();
    const op = scripted(h, [{ error: E.unauthorized }]);
    const failure = await failureOf(
      executeWithPolicy(op.operation, options(h, { refreshCredentials: () => errAsync(E.secrets) })),
    );
    expect(failure.error).toEqual(E.secrets);
    expect(failure.decision).toEqual(DECISIONS.credentialsUnavailable);
    expect(failure.reason).toBe("not-retryable");
  });

  it("does not raise the credentials alert when the deadline stops the retry after a successful refresh", async () => {
    const h = harness(3_000);
    const op = scripted(h, [{ error: E.unauthorized, durationMs: 100 }, { value: "never" }]);
    const failure = await failureOf(
      executeWithPolicy(
        op.operation,
        options(h, {
          refreshCredentials: () => {
            h.advance(2_000); // Secrets Manager was slow
            return okAsync({ changed: true });
          },
        }),
      ),
    );
    expect(failure.reason).toBe("deadline");
    expect(failure.error).toMatchObject({ kind: "network", maybeSent: false });
    expect(failure.decision.alert).toBeNull();
    expect(failure.decision.disposition).toBe("give-back");
    expect(op.calls()).toBe(1);
  });

  it("does not retry UNAUTHORIZED when the flow cannot refresh", async () => {
    const h = harness();
    const op = scripted(h, [{ error: E.unauthorized }]);
    const failure = await failureOf(executeWithPolicy(op.operation, options(h)));
    expect(failure.reason).toBe("not-retryable");
    expect(op.calls()).toBe(1);
  });
});

describe("executeWithPolicy: unknown outcomes of credit-spending calls", () => {
  it.each([
    ["a timeout", E.timeout],
    ["a reset after sending", E.reset],
  ])("does not retry %s of POST /token", async (_label, error) => {
    const h = harness();
    const op = scripted(h, [{ error }, { value: "second credit" }]);
    const failure = await failureOf(executeWithPolicy(op.operation, options(h, { isCreditSpending: true })));
    expect(failure.reason).toBe("unknown-outcome");
    expect(failure.decision.disposition).toBe("give-back");
    expect(op.calls()).toBe(1);
  });

  it.each([
    ["an error reply", E.internal],
    ["a 5xx", E.http503],
    ["a 429", E.http429],
    ["a connection that never opened", E.refused],
  ])("retries %s of POST /token: no token was made", async (_label, error) => {
    const h = harness();
    const op = scripted(h, [{ error }, { value: "token" }]);
    const result = await executeWithPolicy(op.operation, options(h, { isCreditSpending: true }));
    expect(result._unsafeUnwrap()).toBe("token");
    expect(op.calls()).toBe(2);
  });

  it("retries a timeout of a read", async () => {
    const h = harness();
    const op = scripted(h, [{ error: E.timeout, durationMs: 1_000 }, { value: "status" }]);
    const result = await executeWithPolicy(op.operation, options(h));
    expect(result._unsafeUnwrap()).toBe("status");
    expect(op.calls()).toBe(2);
  });

  it("retries an unknown outcome when the flow opts in", async () => {
    const h = harness();
    const op = scripted(h, [{ error: E.reset }, { value: "token" }]);
    const result = await executeWithPolicy(
      op.operation,
      options(h, { isCreditSpending: true, retryUnknownOutcome: true }),
    );
    expect(result._unsafeUnwrap()).toBe("token");
    expect(op.calls()).toBe(2);
  });
});
