import { err, ok, type Result } from "neverthrow";
import type { z } from "zod";
import type { AwsError } from "./aws-errors";

/**
 * Parses a request's input against the operation's schema; the first problem becomes the
 * service's own validation error, naming the parameter (never echoing its value: inputs may
 * be secrets).
 */
export function parseInput<T>(
  schema: z.ZodType<T>,
  input: unknown,
  toError: (message: string) => AwsError,
): Result<T, AwsError> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? "request" : issue.path.join(".");
  return err(toError(`Invalid parameter ${where}: ${issue?.message ?? "invalid value"}`));
}
