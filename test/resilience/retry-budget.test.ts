import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createRetryBudget } from "../../lib/resilience/retry-budget";
import { retryBudgetFromConfig } from "../../lib/resilience/retry-config";

describe("retry budget", () => {
  it("allows exactly `capacity` retries, then none", () => {
    const budget = createRetryBudget({ capacity: 3 });
    expect([1, 2, 3, 4, 5].map(() => budget.tryWithdraw())).toEqual([true, true, true, false, false]);
    expect(budget.available()).toBe(0);
  });

  it("refills one retry per ten successes by default", () => {
    const budget = createRetryBudget({ capacity: 2 });
    budget.tryWithdraw();
    budget.tryWithdraw();
    for (let i = 0; i < 9; i += 1) budget.recordSuccess();
    expect(budget.tryWithdraw()).toBe(false);
    budget.recordSuccess();
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(false);
  });

  it("never holds more than its capacity nor less than zero", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.array(fc.boolean(), { maxLength: 300 }),
        (capacity, refillPerSuccess, ops) => {
          const budget = createRetryBudget({ capacity, refillPerSuccess });
          for (const isSuccess of ops) {
            if (isSuccess) budget.recordSuccess();
            else budget.tryWithdraw();
            expect(budget.available()).toBeGreaterThanOrEqual(0);
            expect(budget.available()).toBeLessThanOrEqual(capacity);
          }
        },
      ),
    );
  });

  it("is sized from RETRY_BUDGET", () => {
    const budget = retryBudgetFromConfig({ RETRY_BUDGET: 20 });
    expect(budget.available()).toBe(20);
  });
});
