import type { Result } from "neverthrow";
import type { AwsError } from "./aws-errors";

/** A service the gateway reaches by `X-Amz-Target`: takes the parsed JSON input, returns the output or an AWS error. */
export interface JsonService {
  handle(operation: string, input: unknown, signal: AbortSignal): Promise<Result<unknown, AwsError>>;
}
