import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import { describeAwsError } from "../aws/aws-error";
import type { Alerter } from "../aws/alerts";
import {
  describeCredentialsError,
  type CredentialsError,
  type CredentialsProvider,
} from "../aws/credentials";
import { describeMarkIdError, type MarkIdError } from "../markid/errors";
import { probeCredentials } from "../markid/probe";
import type { AlertState, AlertType } from "../messages";
import type { Transport } from "../markid/transport";
import type { RateLimiter } from "../resilience/rate-limiter";
import type { RetryBudget } from "../resilience/retry-budget";
import type { RetrySettings } from "../resilience/retry-config";
import {
  credentialCheckAlerts,
  type AlertStep,
  type CredentialCheckOutcome,
} from "./check-credentials-alerts";
import { describeProof, proofFromError, type ProbeProof } from "./check-credentials-proof";
import { executeWithPolicy, type AttemptContext, type ExecutionFailure } from "../resilience/execute";

/** One alert the check raised or cleared; `sent: false` means deduplicated (or nothing to resolve). */
interface CredentialCheckAlert {
  readonly type: AlertType;
  readonly state: AlertState;
  readonly sent: boolean;
  /** Set when the alert could not be recorded or published (log-safe). */
  readonly error?: string;
}

/** What the scheduled check returns and logs. Every field is log-safe. */
export interface CredentialCheckSummary {
  readonly outcome: CredentialCheckOutcome;
  readonly probePath: string;
  /** Probe calls made (0 when the secret could not be read). */
  readonly attempts: number;
  /** Whether the secret was re-read after an UNAUTHORIZED reply. */
  readonly credentialsRefreshed: boolean;
  readonly alerts: readonly CredentialCheckAlert[];
  /** How Mark ID answered (`HTTP 400 BAD_VALUE`) or what failed. */
  readonly detail: string;
  /** The reply proved the key pair but suggests MARKID_PROBE_PATH is wrong (404, 405, JSON_ERROR...). */
  readonly suspectProbePath: boolean;
}

/** What the check needs; the runtime's Dependencies provide it. */
export interface CheckCredentialsDependencies {
  readonly credentials: Pick<CredentialsProvider, "get">;
  readonly markIdTransport: Transport;
  readonly alerter: Pick<Alerter, "raise" | "clear">;
  /** Re-reads the key pair after an UNAUTHORIZED reply; shared by concurrent callers. */
  readonly refreshCredentials: () => ResultAsync<{ readonly changed: boolean }, MarkIdError>;
  readonly retry: RetrySettings;
  readonly budget: RetryBudget;
  readonly limiter: RateLimiter;
}

export interface CheckCredentialsOptions {
  /** Config MARKID_PROBE_PATH. probeCredentials refuses /api/v2/token whatever is configured. */
  readonly probePath: string;
  /** Config MARKID_TIMEOUT_MS: per call, capped to the time left. */
  readonly timeoutMs: number;
  /** The invocation's deadline (context.getRemainingTimeInMillis). */
  readonly remainingTimeMs: () => number;
  readonly safetyMarginMs?: number;
}

/**
 * Proves the Mark ID key pair without spending anything (never POST /api/v2/token), under the
 * error policy: transient failures retried within the deadline and budget, UNAUTHORIZED answered
 * by one re-read of the secret. Raises or clears the alerts the result calls for and never
 * rejects: every ending, a failing alert included, is in the summary.
 */
export function checkCredentials(
  deps: CheckCredentialsDependencies,
  options: CheckCredentialsOptions,
): Promise<CredentialCheckSummary> {
  // Read first, so a secret problem is told apart (and judged permanent or not) before any call.
  return deps.credentials
    .get()
    .mapErr((secretError) => secretFinding(options.probePath, secretError))
    .andThen(() => probeFinding(deps, options))
    .orElse((finding) => okAsync(finding))
    .andThen((finding) => finish(deps, finding))
    .match(
      (summary) => summary,
      (impossible: never) => impossible,
    );
}

function secretFinding(probePath: string, secretError: CredentialsError): Finding {
  const detail = describeCredentialsError(secretError);
  return {
    outcome: "secrets-unavailable",
    probePath,
    attempts: 0,
    credentialsRefreshed: false,
    detail,
    suspectProbePath: false,
    steps: credentialCheckAlerts("secrets-unavailable", {
      probePath,
      detail,
      secretPermanentlyUnusable: secretError.kind === "secret-malformed" || !secretError.retryable,
    }),
  };
}

/** The probe under the policy, ended either way as a finding. */
function probeFinding(
  deps: CheckCredentialsDependencies,
  options: CheckCredentialsOptions,
): ResultAsync<Finding, never> {
  const { probePath } = options;
  let credentialsRefreshed = false;
  let attempts = 0;
  const finding = (
    outcome: CredentialCheckOutcome,
    detail: string,
    extra: Pick<Finding, "attempts" | "suspectProbePath">,
  ): Finding => ({
    outcome,
    probePath,
    credentialsRefreshed,
    detail,
    ...extra,
    steps: credentialCheckAlerts(outcome, { probePath, detail, secretPermanentlyUnusable: false }),
  });
  return executeWithPolicy(
    ({ timeBudgetMs }: AttemptContext): ResultAsync<ProbeProof, MarkIdError> =>
      probeCredentials(deps.markIdTransport, probePath, {
        timeoutMs: Math.max(1, Math.min(options.timeoutMs, timeBudgetMs)),
      })
        .map((reply): ProbeProof => ({ status: reply.status, identifier: null, suspectProbePath: false }))
        .orElse((error) => {
          const proof = proofFromError(error);
          return proof === null ? probeFailed(error) : probeProved(proof);
        }),
    {
      ...deps.retry,
      remainingTimeMs: options.remainingTimeMs,
      ...(options.safetyMarginMs === undefined ? {} : { safetyMarginMs: options.safetyMarginMs }),
      budget: deps.budget,
      limiter: deps.limiter,
      refreshCredentials: () =>
        deps.refreshCredentials().map((refreshed) => {
          credentialsRefreshed = true;
          return refreshed;
        }),
      onAttempt: (info) => {
        attempts = info.attempt;
      },
    },
  )
    .map((proof) =>
      finding("ok", describeProof(proof), { attempts, suspectProbePath: proof.suspectProbePath }),
    )
    .orElse((failure) =>
      okAsync(
        finding(outcomeOf(failure), describeFailure(failure), {
          attempts: failure.attempts,
          suspectProbePath: false,
        }),
      ),
    );
}

// Typed helpers so orElse's two branches share one Result type.
const probeFailed = (error: MarkIdError): ResultAsync<ProbeProof, MarkIdError> => errAsync(error);
const probeProved = (proof: ProbeProof): ResultAsync<ProbeProof, MarkIdError> => okAsync(proof);

function outcomeOf(failure: ExecutionFailure): CredentialCheckOutcome {
  if (failure.error.kind === "credentials-unavailable") return "secrets-unavailable";
  if (failure.error.kind === "invalid-request") return "probe-refused";
  switch (failure.reason) {
    case "credentials-unchanged":
    case "credentials-rejected":
      return "credentials-invalid";
    case "attempts-exhausted":
    case "deadline":
    case "budget-exhausted":
    case "unknown-outcome":
      return "unavailable";
    case "not-retryable":
      // Only an unproven reply stops here: UNAUTHORIZED without a way to refresh, in practice.
      return failure.decision.action === "refresh-credentials" ? "credentials-invalid" : "unavailable";
  }
}

function describeFailure(failure: ExecutionFailure): string {
  return `${failure.reason} after ${failure.attempts} attempt(s): ${describeMarkIdError(failure.error)}`;
}

interface Finding extends Omit<CredentialCheckSummary, "alerts"> {
  readonly steps: readonly AlertStep[];
}

/** Raises or clears each alert in turn (each a conditional write on its own alert type). */
function finish(
  deps: CheckCredentialsDependencies,
  finding: Finding,
): ResultAsync<CredentialCheckSummary, never> {
  const { steps, ...summary } = finding;
  return steps
    .reduce(
      (done, step) => done.andThen((alerts) => applyAlertStep(deps, step).map((alert) => [...alerts, alert])),
      okAsync<CredentialCheckAlert[], never>([]),
    )
    .map((alerts): CredentialCheckSummary => ({ ...summary, alerts }));
}

function applyAlertStep(
  deps: CheckCredentialsDependencies,
  step: AlertStep,
): ResultAsync<CredentialCheckAlert, never> {
  const state: AlertState = step.action === "raise" ? "firing" : "resolved";
  const written =
    step.action === "raise"
      ? deps.alerter.raise(step.type, step.summary)
      : deps.alerter.clear(step.type, step.summary);
  return written
    .map(({ sent }): CredentialCheckAlert => ({ type: step.type, state, sent }))
    .orElse((error) =>
      okAsync<CredentialCheckAlert, never>({
        type: step.type,
        state,
        sent: false,
        error: describeAwsError(error),
      }),
    );
}
