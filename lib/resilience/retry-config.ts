import type { Config } from "../config";
import { createRetryBudget, type RetryBudget } from "./retry-budget";

/** The retry settings of executeWithPolicy, as the deployment configures them. */
export interface RetrySettings {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly rateLimitedBaseDelayMs: number;
  readonly maxDelayMs: number;
}

type RetryConfig = Pick<
  Config,
  "RETRY_MAX_ATTEMPTS" | "RETRY_BASE_DELAY_MS" | "RETRY_RATE_LIMITED_BASE_DELAY_MS" | "RETRY_MAX_DELAY_MS"
>;

export function retrySettingsFromConfig(config: RetryConfig): RetrySettings {
  return {
    maxAttempts: config.RETRY_MAX_ATTEMPTS,
    baseDelayMs: config.RETRY_BASE_DELAY_MS,
    rateLimitedBaseDelayMs: config.RETRY_RATE_LIMITED_BASE_DELAY_MS,
    maxDelayMs: config.RETRY_MAX_DELAY_MS,
  };
}

/** Create once per container (module scope of the handler), not per event: the budget is shared. */
export function retryBudgetFromConfig(config: Pick<Config, "RETRY_BUDGET">): RetryBudget {
  return createRetryBudget({ capacity: config.RETRY_BUDGET });
}
