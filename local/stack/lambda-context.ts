import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";
import { LOCAL_ACCOUNT_ID } from "../aws/index";
import type { FunctionDefinition } from "./functions";

/**
 * The `context` Lambda passes to a handler, for one invocation: the deadline is the function's
 * timeout from now, as the runtime computes it, so handlers budget retries as they do in AWS.
 */
export function lambdaContext(fn: FunctionDefinition, region: string, stage: string): Context {
  const functionName = `markid-serverless-${stage}-${fn.name}`;
  const deadline = Date.now() + fn.timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // The callback-style completions are unused by async handlers; Lambda's are no-ops too then.
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export type Invocation<T> =
  | { readonly kind: "returned"; readonly value: T; readonly durationMs: number }
  | { readonly kind: "threw"; readonly error: unknown; readonly durationMs: number }
  | { readonly kind: "timed-out"; readonly durationMs: number };

/**
 * Invokes a handler as Lambda does: a throw or a rejection is a failed invocation, and so is
 * running past the timeout. Locally the late handler cannot be frozen, so it runs on and its
 * outcome is ignored — which is what its caller (the event source) sees in AWS as well.
 */
export async function invoke<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  event: E,
  fn: FunctionDefinition,
  region: string,
  stage: string,
): Promise<Invocation<R>> {
  const context = lambdaContext(fn, region, stage);
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timed-out">((resolve) => {
    timer = setTimeout(() => resolve("timed-out"), fn.timeoutSeconds * 1000);
  });
  try {
    const outcome = await Promise.race([
      Promise.resolve()
        .then(() => handler(event, context))
        .then((value) => ({ value })),
      timeout,
    ]);
    const durationMs = Date.now() - started;
    return outcome === "timed-out"
      ? { kind: "timed-out", durationMs }
      : { kind: "returned", value: outcome.value, durationMs };
  } catch (error) {
    return { kind: "threw", error, durationMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}
