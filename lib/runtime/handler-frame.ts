import type { Context } from "aws-lambda";
import { ConfigurationError } from "../config";
import { invocationCutoff } from "../observability/invocation-cutoff";
import { logger } from "../observability/logger";
import { metrics } from "../observability/metrics";

/*
 * The frame every handler runs in, so that each handler file is only its event's glue:
 *
 * - the container (configuration, clients, flows) is built on the first invocation, not at import,
 *   and kept for the container's life; a configuration error names every bad variable, in the log
 *   and in the invocation's error, and the next invocation tries again (the environment may have
 *   been fixed by a redeploy of the same container only in tests, but retrying costs nothing);
 * - Lambda context and a correlation id on every log line, cleared after the invocation
 *   (Powertools' injectLambdaContext({ resetKeys: true }));
 * - the ColdStart metric, and metrics flushed only when there are any (logMetrics);
 * - a cutoff shortly before the deadline (middy's timeoutEarlyInMillis): the handler answers then
 *   with what it knows instead of meeting Lambda's timeout;
 * - an exception escaping the handler is a bug, not a bad event (those are outcomes): logged by
 *   name and stack frames only (a message may quote its input: JSON.parse quotes the body) and
 *   re-thrown as a plain error so the invocation counts in the function's Errors alarm.
 *
 * Written by hand rather than with middy: these few steps are the whole of it, and middy's core
 * plus its error and timeout middlewares would add to every bundle's cold init for no gain.
 */

interface Invocation {
  readonly context: Context;
  /** Resolves RETURN_MARGIN_MS before the invocation's deadline. */
  readonly cutoff: Promise<void>;
}

export interface HandlerFrame<E, R, C> {
  /** The handler's name in log lines and errors. */
  readonly name: string;
  /** Builds what the handler keeps for the container's life; called once, on first invocation. */
  readonly container: () => C;
  /** The id that ties the invocation's log lines to its event (falls back to the request id). */
  readonly correlationId: (event: E) => string | undefined;
  readonly run: (event: E, container: C, invocation: Invocation) => Promise<R>;
  /**
   * The reply when `run` has not finished at the cutoff. Without it, `run` watches the cutoff
   * itself (the SQS handler gives back only the records still running).
   */
  readonly replyAtCutoff?: () => R;
}

export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R>;

export function lambdaHandler<E, R, C>(frame: HandlerFrame<E, R, C>): LambdaHandler<E, R> {
  let container: C | undefined;
  return async (event, context) => {
    logger.addContext(context);
    logger.setCorrelationId(frame.correlationId(event) ?? context.awsRequestId);
    metrics.captureColdStartMetric(context.functionName);
    const cutoff = invocationCutoff(context);
    try {
      container ??= frame.container();
      const running = frame.run(event, container, { context, cutoff: cutoff.reached });
      return frame.replyAtCutoff === undefined
        ? await running
        : await raceCutoff(running, cutoff.reached, frame.name, frame.replyAtCutoff);
    } catch (error: unknown) {
      throw reported(frame.name, error);
    } finally {
      cutoff.cancel();
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}

async function raceCutoff<R>(
  running: Promise<R>,
  cutoff: Promise<void>,
  name: string,
  replyAtCutoff: () => R,
): Promise<R> {
  const finished = await Promise.race([running.then((reply) => ({ reply })), cutoff.then(() => undefined)]);
  if (finished !== undefined) return finished.reply;
  logger.error(`${name} not finished before the invocation deadline; replying early`);
  return replyAtCutoff();
}

function reported(name: string, error: unknown): Error {
  if (error instanceof ConfigurationError) {
    logger.error(`${name}: invalid configuration`, { problems: error.problems });
    return error;
  }
  logger.error(`${name} failed unexpectedly`, {
    errorName: error instanceof Error ? error.name : typeof error,
    frames: stackFrames(error),
  });
  return new Error(`${name} failed unexpectedly (details in the function's log)`);
}

function stackFrames(error: unknown): string[] {
  if (!(error instanceof Error) || typeof error.stack !== "string") return [];
  return error.stack
    .split("\n")
    .filter((line) => line.startsWith("    at "))
    .slice(0, 10)
    .map((line) => line.trim());
}
