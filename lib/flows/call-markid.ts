import type { ResultAsync } from "neverthrow";
import type { Config } from "../config";
import { callEndpoint, type Endpoint } from "../markid/endpoint";
import type { MarkIdError } from "../markid/errors";
import type { Transport } from "../markid/transport";
import { executeWithPolicy, type ExecuteOptions, type ExecutionFailure } from "../resilience/execute";
import type { RateLimiter } from "../resilience/rate-limiter";
import type { RetryBudget } from "../resilience/retry-budget";
import type { RetrySettings } from "../resilience/retry-config";

/** What a flow needs to call Mark ID under the error policy (runtime/dependencies.ts's markIdCalls). */
export interface MarkIdCallDependencies {
  readonly config: Pick<Config, "MARKID_TIMEOUT_MS">;
  readonly markIdTransport: Transport;
  readonly retry: RetrySettings;
  readonly budget: RetryBudget;
  readonly limiter: RateLimiter;
  /** Re-reads the key pair after an UNAUTHORIZED reply; shared by concurrent callers. */
  readonly refreshCredentials: () => ResultAsync<{ readonly changed: boolean }, MarkIdError>;
}

/** The per-call part of the policy's options: the deadline, a limiter of the call's own, tests' hooks. */
export type MarkIdCallOptions = Omit<ExecuteOptions, keyof RetrySettings | "budget" | "refreshCredentials">;

/**
 * One Mark ID endpoint under the error policy (design.md §3), with the container's retry settings,
 * retry budget, rate limiter (unless the options bring another) and credential refresh. Each
 * attempt waits MARKID_TIMEOUT_MS, or less when the policy has less time left for it.
 */
export function callMarkId<Req, Res>(
  deps: MarkIdCallDependencies,
  endpoint: Endpoint<Req, Res>,
  input: Req,
  options: MarkIdCallOptions,
): ResultAsync<Res, ExecutionFailure> {
  return executeWithPolicy(
    (attempt) =>
      callEndpoint(deps.markIdTransport, endpoint, input, {
        timeoutMs: Math.max(1, Math.min(deps.config.MARKID_TIMEOUT_MS, attempt.timeBudgetMs)),
      }),
    {
      ...deps.retry,
      limiter: deps.limiter,
      ...options,
      budget: deps.budget,
      refreshCredentials: () => deps.refreshCredentials(),
    },
  );
}
