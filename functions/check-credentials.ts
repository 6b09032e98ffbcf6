import type { Context, ScheduledEvent } from "aws-lambda";
import { checkCredentials, type CredentialCheckSummary } from "../lib/flows/check-credentials";
import { reportCredentialCheck } from "../lib/flows/check-credentials-report";
import { withInvocation } from "../lib/observability/invocation";
import { dependencies, type Dependencies } from "../lib/runtime/dependencies";

/**
 * EventBridge schedule: proves the Mark ID key pair with a read-only probe (never POST
 * /api/v2/token), raises or resolves the credentials-invalid and unavailable alerts, and returns
 * the summary it logs. It never throws for an outcome: a failing Mark ID or Secrets Manager is
 * the summary's outcome, and a retried scheduled invocation would not tell anyone more.
 */
export type CheckCredentialsHandler = (
  event: ScheduledEvent,
  context: Context,
) => Promise<CredentialCheckSummary>;

/** The handler over a container's dependencies; tests pass their own container. */
export function createCheckCredentialsHandler(container: () => Dependencies): CheckCredentialsHandler {
  return (event, context) =>
    withInvocation("check-credentials", context, event.id ?? context.awsRequestId, async () => {
      const deps = container();
      const summary = await checkCredentials(deps, {
        probePath: deps.config.MARKID_PROBE_PATH,
        timeoutMs: deps.config.MARKID_TIMEOUT_MS,
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
      });
      reportCredentialCheck(summary);
      return summary;
    });
}

export const handler: CheckCredentialsHandler = createCheckCredentialsHandler(dependencies);
