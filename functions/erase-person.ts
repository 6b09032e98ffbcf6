import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { Config } from "../lib/config";
import { erasePerson, isErasureAcknowledged, type ErasePersonDependencies } from "../lib/flows/erase-person";
import { observeErasureAttempt, reportErasure } from "../lib/flows/erase-person/report";
import { createConcurrencyLimit } from "../lib/resilience/concurrency";
import { erasePersonDependencies } from "../lib/runtime/dependencies";
import { lambdaHandler, type LambdaHandler } from "../lib/runtime/handler-frame";
import { processSqsBatch } from "../lib/runtime/sqs-batch";

/**
 * Erasures queue (SQS) → a person's sessions deleted here and at Mark ID, one
 * `verification.erased` per delivery → { batchItemFailures }. Glue only: the decisions are in
 * lib/flows/erase-person/. A record given back (sessions pending at Mark ID, the table or the
 * topic failing) is redelivered, then kept in the erasures DLQ. Nothing personal is logged.
 */
export type ErasePersonHandler = LambdaHandler<SQSEvent, SQSBatchResponse>;

type Needs = ErasePersonDependencies & { readonly config: Pick<Config, "BATCH_CONCURRENCY"> };

/** The handler over given dependencies (tests pass their own). */
export function createErasePersonHandler(dependencies: () => Needs): ErasePersonHandler {
  return lambdaHandler({
    name: "erase-person",
    container: () => {
      const deps = dependencies();
      return { deps, limit: createConcurrencyLimit(deps.config.BATCH_CONCURRENCY) };
    },
    correlationId: () => undefined,
    run: (event, { deps, limit }, { context, cutoff }) =>
      processSqsBatch(
        event,
        async (record) => {
          const outcome = await erasePerson(record.body, deps, {
            messageId: record.messageId,
            remainingTimeMs: () => context.getRemainingTimeInMillis(),
            onAttempt: observeErasureAttempt,
          });
          reportErasure(record.messageId, outcome);
          return isErasureAcknowledged(outcome);
        },
        { context, cutoff, limit },
      ),
  });
}

export const handler: ErasePersonHandler = createErasePersonHandler(erasePersonDependencies);
