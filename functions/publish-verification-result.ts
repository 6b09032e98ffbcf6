import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { Config } from "../lib/config";
import { publishQueuedDelivery, type PublishResultDependencies } from "../lib/flows/publish-result";
import { reportPublishOutcome } from "../lib/flows/publish-result/report";
import { isAcknowledged } from "../lib/flows/publish-result/types";
import { resultRetentionSeconds } from "../lib/flows/result-retention";
import { createConcurrencyLimit } from "../lib/resilience/concurrency";
import { publishVerificationResultDependencies } from "../lib/runtime/dependencies";
import { lambdaHandler, type LambdaHandler } from "../lib/runtime/handler-frame";
import { processSqsBatch } from "../lib/runtime/sqs-batch";

/**
 * Results queue (SQS) → one `verification.completed` per (scanRef, final, overall), or one
 * `markid.notification` → { batchItemFailures }. Glue only: the decisions are in
 * lib/flows/publish-result/. A record given back is redelivered, then kept in the results DLQ.
 */
export type PublishVerificationResultHandler = LambdaHandler<SQSEvent, SQSBatchResponse>;

type Needs = PublishResultDependencies & {
  readonly config: Pick<
    Config,
    "BATCH_CONCURRENCY" | "RECONCILE_GIVE_UP_SECONDS" | "MARKID_RETENTION_SECONDS"
  >;
};

/** The handler over given dependencies (tests pass their own). */
export function createPublishVerificationResultHandler(
  dependencies: () => Needs,
): PublishVerificationResultHandler {
  return lambdaHandler({
    name: "publish-verification-result",
    container: () => {
      const deps = dependencies();
      return {
        deps,
        settings: {
          retentionSeconds: resultRetentionSeconds(deps.config.RECONCILE_GIVE_UP_SECONDS),
          deleteAfterSeconds: deps.config.MARKID_RETENTION_SECONDS,
        },
        limit: createConcurrencyLimit(deps.config.BATCH_CONCURRENCY),
      };
    },
    correlationId: () => undefined,
    run: (event, { deps, settings, limit }, { context, cutoff }) =>
      processSqsBatch(
        event,
        async (record) => {
          const outcome = await publishQueuedDelivery(record.body, deps, settings);
          reportPublishOutcome(record.messageId, outcome);
          return isAcknowledged(outcome);
        },
        { context, cutoff, limit },
      ),
  });
}

export const handler: PublishVerificationResultHandler = createPublishVerificationResultHandler(
  publishVerificationResultDependencies,
);
