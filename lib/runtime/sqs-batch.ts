import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { ConcurrencyLimit } from "../resilience/concurrency";
import { logger } from "../observability/logger";

/*
 * An SQS batch with partial batch responses (Powertools' BatchProcessor): each record is
 * acknowledged or given back on its own, at most `limit` at once, and a record still running (or
 * still waiting for a slot) at the cutoff is given back rather than letting Lambda time out,
 * which would return the whole batch, the records already acknowledged included. Its work goes
 * on only if the container is thawed again; the flows start nothing new past their deadline.
 */

/** Acknowledge (true) or give back (false) one record. A rejection gives it back too. */
export type RecordHandler = (record: SQSRecord) => Promise<boolean>;

/** How BatchProcessor is told a record failed: its handler throws. Not an error of the handler. */
class RecordGivenBack extends Error {
  override readonly name = "RecordGivenBack";
}

export interface BatchSettings {
  readonly context: Context;
  readonly cutoff: Promise<void>;
  readonly limit: ConcurrencyLimit;
}

export async function processSqsBatch(
  event: SQSEvent,
  handleRecord: RecordHandler,
  { context, cutoff, limit }: BatchSettings,
): Promise<SQSBatchResponse> {
  if (!Array.isArray(event.Records)) {
    // Not an SQS batch (a hand-made invoke): nothing to process, nothing to give back.
    logger.error("event without Records: not an SQS batch");
    return { batchItemFailures: [] };
  }
  const limited = limit(async (record: SQSRecord) => {
    if (!(await handleRecord(record))) throw new RecordGivenBack("given back");
  });
  const givenBackAtCutoff = (record: SQSRecord): Promise<never> =>
    cutoff.then(() => {
      logger.warn("record not finished before the invocation deadline; given back to the queue", {
        messageId: record.messageId,
        outcome: "deadline",
      });
      throw new RecordGivenBack("deadline");
    });
  // A processor per invocation: its state is per batch, and a shared one would mix the batches of
  // concurrent invocations (tests, Lambda managed instances).
  return processPartialResponse(
    event,
    (record: SQSRecord) => Promise.race([limited(record), givenBackAtCutoff(record)]),
    new BatchProcessor(EventType.SQS),
    { context, throwOnFullBatchFailure: false },
  );
}
