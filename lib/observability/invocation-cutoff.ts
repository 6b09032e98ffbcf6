import type { Context } from "aws-lambda";

/**
 * Kept free at the very end of an invocation to return the handler's reply. The flows stop
 * starting work a safety margin earlier; the cutoff is the backstop for a call that overruns it
 * (an AWS call stalled up to the SDK's request timeout and retries): the handler then answers
 * with what it knows instead of Lambda timing out, which would give a whole SQS batch back (the
 * records already acknowledged included) or leave Mark ID without a reply.
 */
export const RETURN_MARGIN_MS = 250;

export interface InvocationCutoff {
  /** Resolves RETURN_MARGIN_MS before the invocation's deadline. */
  readonly reached: Promise<void>;
  /** Stops the timer once the handler has its reply. */
  cancel(): void;
}

export function invocationCutoff(context: Pick<Context, "getRemainingTimeInMillis">): InvocationCutoff {
  let timer: NodeJS.Timeout | undefined;
  const reached = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, context.getRemainingTimeInMillis() - RETURN_MARGIN_MS));
  });
  return { reached, cancel: () => clearTimeout(timer) };
}
