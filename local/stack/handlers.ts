import type { APIGatewayProxyEventV2, Context, ScheduledEvent, SQSEvent } from "aws-lambda";

/*
 * The handlers' shapes as the runner calls them. Return types are loose on purpose: the runner
 * checks what a handler returns at run time, as Lambda's event sources do, rather than trusting it.
 */
/** Lambda's SQS event source expects an `SQSBatchResponse` (or nothing); see batch-response.ts. */
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<unknown>;
export type HttpApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;
export type ScheduleHandler = (event: ScheduledEvent, context: Context) => Promise<unknown>;

export interface Handlers {
  readonly startVerification: SqsHandler;
  readonly verificationWebhook: HttpApiHandler;
  readonly checkCredentials: ScheduleHandler;
  readonly publishVerificationResult: SqsHandler;
  readonly reconcileSessions: ScheduleHandler;
  readonly erasePerson: SqsHandler;
}

let loadedFor: string | undefined;

/**
 * Imports the handlers. Call it only after the stack has set process.env: like a Lambda
 * container, the handlers read their configuration once, on first use, and keep it. So one
 * process runs one stack; a second stack in the same process with another environment would
 * silently talk to the first one's resources, hence the error.
 */
export async function loadHandlers(environment: Readonly<Record<string, string>>): Promise<Handlers> {
  const fingerprint = JSON.stringify(Object.entries(environment).sort(([a], [b]) => a.localeCompare(b)));
  if (loadedFor !== undefined && loadedFor !== fingerprint) {
    throw new Error(
      "The handlers are already loaded in this process with another environment (they keep their " +
        "configuration per container): run one local stack per process.",
    );
  }
  loadedFor = fingerprint;
  const [start, webhook, check, publish, reconcile, erase] = await Promise.all([
    import("../../functions/start-verification"),
    import("../../functions/verification-webhook"),
    import("../../functions/check-credentials"),
    import("../../functions/publish-verification-result"),
    import("../../functions/reconcile-sessions"),
    import("../../functions/erase-person"),
  ]);
  return {
    startVerification: start.handler,
    verificationWebhook: webhook.handler,
    checkCredentials: check.handler,
    publishVerificationResult: publish.handler,
    reconcileSessions: reconcile.handler,
    erasePerson: erase.handler,
  };
}
