import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { createConcurrencyLimit, type ConcurrencyLimit } from "../lib/flows/concurrency";
import {
  createStartVerificationFlow,
  type StartVerificationFlow,
  type StartVerificationOptions,
} from "../lib/flows/start-verification";
import { recordObserver, reportRecord, type ProcessedRecord } from "../lib/flows/start-verification-observe";
import { invocationCutoff } from "../lib/observability/invocation-cutoff";
import { logger } from "../lib/observability/logger";
import { metrics } from "../lib/observability/metrics";
import { dependencies, type Dependencies } from "../lib/runtime/dependencies";

/*
 * SQS → start-verification flow → { batchItemFailures }. Glue only: the decisions are in
 * lib/flows/start-verification.ts. A record the flow gives back makes its record handler throw,
 * which is how Powertools' BatchProcessor marks it failed.
 */

/** Thrown by the record handler for a record the flow gives back (not an error of the handler). */
class RecordGivenBack extends Error {
  override readonly name = "RecordGivenBack";
}

interface Container {
  readonly flow: StartVerificationFlow;
  readonly limit: ConcurrencyLimit;
}

export type StartVerificationHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** The handler over given dependencies (tests pass a container of their own). */
export function createHandler(
  getDependencies: () => Dependencies,
  options: StartVerificationOptions = {},
): StartVerificationHandler {
  let container: Container | undefined;

  return async (event, context) => {
    logger.addContext(context);
    try {
      // Built on the first invocation, not at import. A configuration error is thrown here, once
      // per container: the one error this handler throws, since no record can be processed
      // without configuration (Lambda then returns the whole batch to the queue).
      container ??= buildContainer(getDependencies(), options);
      if (!Array.isArray(event.Records)) {
        // Not an SQS batch (a hand-made invoke): nothing to process, nothing to give back.
        logger.error("event without Records: not an SQS batch");
        return { batchItemFailures: [] };
      }
      const { flow, limit } = container;
      const limited = limit((record: SQSRecord) => processRecord(flow, record, context));
      const cutoff = invocationCutoff(context);
      try {
        // A record still running (or still waiting for a slot) at the cutoff is reported; its
        // work goes on only if the container is thawed again, and the flow then starts nothing
        // new for it (its deadline has passed).
        const givenBackAtCutoff = (record: SQSRecord) =>
          cutoff.reached.then(() => {
            logger.warn("record not finished before the invocation deadline; given back to the queue", {
              messageId: record.messageId,
              outcome: "deadline",
            });
            throw new RecordGivenBack("deadline");
          });
        const recordHandler = (record: SQSRecord) =>
          Promise.race([limited(record), givenBackAtCutoff(record)]);
        // A processor per invocation: its state is per batch, and a shared one would mix the
        // batches of concurrent invocations (tests, Lambda managed instances).
        return await processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
          context,
          throwOnFullBatchFailure: false,
        });
      } finally {
        cutoff.cancel();
      }
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

function buildContainer(deps: Dependencies, options: StartVerificationOptions): Container {
  return {
    flow: createStartVerificationFlow(deps, options),
    limit: createConcurrencyLimit(deps.config.BATCH_CONCURRENCY),
  };
}

async function processRecord(
  flow: StartVerificationFlow,
  record: SQSRecord,
  context: Context,
): Promise<void> {
  // A child logger per record: records run concurrently, so per-record keys cannot go on the shared logger.
  const log = logger.createChild();
  log.appendKeys({ messageId: record.messageId });
  let processed: ProcessedRecord;
  try {
    processed = await flow
      .process(
        {
          messageId: record.messageId,
          body: record.body,
          remainingTimeMs: () => context.getRemainingTimeInMillis(),
        },
        recordObserver(log),
      )
      .match(
        (report): ProcessedRecord => ({ acknowledged: true, report }),
        (report): ProcessedRecord => ({ acknowledged: false, report }),
      );
  } catch (error) {
    // A bug, not an outcome: this record fails (and is redelivered); the others go on. Only the
    // error's name is logged: its message could quote the record.
    log.error("unexpected exception while processing the record", {
      errorName: error instanceof Error ? error.name : typeof error,
    });
    throw error;
  }
  reportRecord(log, processed);
  if (!processed.acknowledged) throw new RecordGivenBack(processed.report.outcome);
}

export const handler: StartVerificationHandler = createHandler(dependencies);
