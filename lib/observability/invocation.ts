import type { Context } from "aws-lambda";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logger } from "./logger";
import { metrics } from "./metrics";

/**
 * The per-invocation frame every handler shares: Lambda context and correlation id on each log
 * line, metrics flushed at the end, keys cleared for the next invocation of the container.
 *
 * An exception escaping `run` is a bug, not a bad event (those are outcomes). It is logged by
 * name and stack frames only — a message may quote its input (JSON.parse quotes the body) — and
 * re-thrown as a plain error so the invocation counts in the function's Errors alarm.
 */
export async function withInvocation<T>(
  handlerName: string,
  context: Context,
  correlationId: string,
  run: () => Promise<T>,
): Promise<T> {
  logger.addContext(context);
  logger.setCorrelationId(correlationId);
  try {
    return await run();
  } catch (error: unknown) {
    logger.error(`${handlerName} failed unexpectedly`, {
      errorName: error instanceof Error ? error.name : typeof error,
      frames: stackFrames(error),
    });
    throw new Error(`${handlerName} failed unexpectedly (details in the function's log)`);
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    logger.resetKeys();
  }
}

/** Counts one occurrence of any metric name, with an optional dimension in its own blob. */
export function countOnce(name: string, dimension?: { readonly name: string; readonly value: string }): void {
  if (dimension === undefined) {
    metrics.addMetric(name, MetricUnit.Count, 1);
    return;
  }
  const single = metrics.singleMetric();
  single.addDimension(dimension.name, dimension.value);
  single.addMetric(name, MetricUnit.Count, 1);
}

function stackFrames(error: unknown): string[] {
  if (!(error instanceof Error) || typeof error.stack !== "string") return [];
  return error.stack
    .split("\n")
    .filter((line) => line.startsWith("    at "))
    .slice(0, 10)
    .map((line) => line.trim());
}
