import { okAsync, type ResultAsync } from "neverthrow";
import { describeAwsError, type AwsError } from "../../aws/aws-error";
import type { GivenBackOutcome, RecordObserver, RecordReport } from "./types";

/** What every report of a record carries. */
export interface ReportBase {
  readonly messageId: string;
  readonly requestId?: string;
}

/** The record goes back to the queue because an AWS call failed (the code, never a message body). */
export const givenBackOnAwsError =
  (base: Omit<RecordReport, "outcome">, outcome: GivenBackOutcome) =>
  (error: AwsError): RecordReport<GivenBackOutcome> => ({
    ...base,
    outcome,
    identifier: error.code,
    reason: describeAwsError(error),
  });

/**
 * A write that does not decide the record's outcome (release a claim, mark a session published):
 * its failure is a warning with the AWS error code, and the record goes on.
 */
export function warnOnFailure<T>(
  write: ResultAsync<T, AwsError>,
  observer: RecordObserver,
  warning: string,
): ResultAsync<void, never> {
  return write
    .map(() => undefined)
    .orElse((error) => {
      observer.onWarning?.(warning, { code: error.code });
      return okAsync(undefined);
    });
}
