import type { ScheduledEvent } from "aws-lambda";
import type { Config } from "../lib/config";
import {
  checkCredentials,
  type CheckCredentialsDependencies,
  type CredentialCheckSummary,
} from "../lib/flows/check-credentials";
import { reportCredentialCheck } from "../lib/flows/check-credentials-report";
import { checkCredentialsDependencies } from "../lib/runtime/dependencies";
import { lambdaHandler, type LambdaHandler } from "../lib/runtime/handler-frame";

/**
 * EventBridge schedule: proves the Mark ID key pair with a read-only probe (never POST
 * /api/v2/token), raises or resolves the credentials-invalid and unavailable alerts, and returns
 * the summary it logs. It never throws for an outcome: a failing Mark ID or Secrets Manager is
 * the summary's outcome, and a retried scheduled invocation would not tell anyone more.
 */
export type CheckCredentialsHandler = LambdaHandler<ScheduledEvent, CredentialCheckSummary>;

type Needs = CheckCredentialsDependencies & {
  readonly config: Pick<Config, "MARKID_PROBE_PATH" | "MARKID_TIMEOUT_MS">;
};

/** The handler over given dependencies (tests pass their own). */
export function createCheckCredentialsHandler(dependencies: () => Needs): CheckCredentialsHandler {
  return lambdaHandler({
    name: "check-credentials",
    container: dependencies,
    correlationId: (event: ScheduledEvent) => event.id,
    run: async (_event, deps, { context }) => {
      const summary = await checkCredentials(deps, {
        probePath: deps.config.MARKID_PROBE_PATH,
        timeoutMs: deps.config.MARKID_TIMEOUT_MS,
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
      });
      reportCredentialCheck(summary);
      return summary;
    },
  });
}

export const handler: CheckCredentialsHandler = createCheckCredentialsHandler(checkCredentialsDependencies);
