/*
 * The handlers count their metrics as CloudWatch EMF lines on stdout (lib/observability/metrics.ts).
 * The local stack turns them off by default (they are for CloudWatch, not a terminal); a stack that
 * turns them on (POWERTOOLS_METRICS_DISABLED=false, as the demo's does) can read them here: each EMF
 * line of the namespace is summed by metric name and kept from the terminal. An EMF line holds
 * metric names, counts and dimensions only (identifiers go in log lines, never in dimensions).
 */

export interface MetricTapOptions {
  /** POWERTOOLS_METRICS_NAMESPACE of the handlers: only its metrics are read. */
  readonly namespace: string;
  readonly streams?: readonly NodeJS.WriteStream[];
}

export interface MetricTap {
  /** The sum of every value of the metric seen so far (0 when none was). */
  total(name: string): number;
  /** Restores the streams; the totals stay readable. */
  stop(): void;
}

/** Reads the handlers' EMF lines as they are written. */
export function tapMetricLines(options: MetricTapOptions): MetricTap {
  const totals = new Map<string, number>();
  const streams = options.streams ?? [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write.bind(stream) as (...args: unknown[]) => boolean);
  streams.forEach((stream, index) => {
    const write = originals[index]!;
    stream.write = (chunk: unknown, ...rest: unknown[]): boolean => {
      const values = metricValues(chunk, options.namespace);
      if (values === undefined) return write(chunk, ...rest);
      for (const [name, value] of values) totals.set(name, (totals.get(name) ?? 0) + value);
      // Kept from the terminal: tell the writer it is done, as a write would.
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    };
  });
  let stopped = false;
  return {
    total: (name) => totals.get(name) ?? 0,
    stop() {
      if (stopped) return;
      stopped = true;
      streams.forEach((stream, index) => {
        stream.write = originals[index]!;
      });
    },
  };
}

/**
 * The metrics an EMF line of the namespace carries, name → sum of its values (a metric added more
 * than once in an invocation is an array), or undefined when the write is not such a line.
 */
export function metricValues(chunk: unknown, namespace: string): Map<string, number> | undefined {
  const line = typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : "";
  if (!line.startsWith('{"_aws"')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  const directives = (record["_aws"] as { CloudWatchMetrics?: unknown } | undefined)?.CloudWatchMetrics;
  if (!Array.isArray(directives)) return undefined;
  const ours = directives.filter(
    (d): d is { Metrics: unknown[] } =>
      typeof d === "object" &&
      d !== null &&
      (d as { Namespace?: unknown }).Namespace === namespace &&
      Array.isArray((d as { Metrics?: unknown }).Metrics),
  );
  if (ours.length === 0) return undefined;
  const values = new Map<string, number>();
  for (const directive of ours)
    for (const metric of directive.Metrics) {
      const name = (metric as { Name?: unknown } | null)?.Name;
      if (typeof name !== "string") continue;
      const value = record[name];
      const numbers = (Array.isArray(value) ? value : [value]).filter(
        (n): n is number => typeof n === "number",
      );
      values.set(name, (values.get(name) ?? 0) + numbers.reduce((a, b) => a + b, 0));
    }
  return values;
}
