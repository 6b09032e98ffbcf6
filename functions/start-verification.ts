import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { Config } from "../lib/config";
import {
  createStartVerificationFlow,
  type StartVerificationDependencies,
  type StartVerificationOptions,
} from "../lib/flows/start-verification";
import { processVerificationRecord } from "../lib/flows/start-verification/record";
import { createConcurrencyLimit } from "../lib/resilience/concurrency";
import { startVerificationDependencies } from "../lib/runtime/dependencies";
import { lambdaHandler, type LambdaHandler } from "../lib/runtime/handler-frame";
import { processSqsBatch } from "../lib/runtime/sqs-batch";

/**
 * SQS → start-verification flow → { batchItemFailures }. Glue only: the decisions are in
 * lib/flows/start-verification/. A configuration error fails the whole invocation (no record can
 * be processed without it), so Lambda returns the batch to the queue.
 */
export type StartVerificationHandler = LambdaHandler<SQSEvent, SQSBatchResponse>;

type Needs = StartVerificationDependencies & { readonly config: Pick<Config, "BATCH_CONCURRENCY"> };

/** The handler over given dependencies (tests pass their own, and flow options). */
export function createHandler(
  dependencies: () => Needs,
  options: StartVerificationOptions = {},
): StartVerificationHandler {
  return lambdaHandler({
    name: "start-verification",
    container: () => {
      const deps = dependencies();
      return {
        // Per container: the flow keeps the token-limit memo across invocations.
        flow: createStartVerificationFlow(deps, options),
        limit: createConcurrencyLimit(deps.config.BATCH_CONCURRENCY),
      };
    },
    correlationId: () => undefined,
    run: (event, { flow, limit }, { context, cutoff }) =>
      processSqsBatch(
        event,
        (record) =>
          processVerificationRecord(flow, {
            messageId: record.messageId,
            body: record.body,
            remainingTimeMs: () => context.getRemainingTimeInMillis(),
          }),
        { context, cutoff, limit },
      ),
  });
}

export const handler: StartVerificationHandler = createHandler(startVerificationDependencies);
