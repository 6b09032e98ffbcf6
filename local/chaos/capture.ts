/*
 * What the chaos run watches in its own process: every chunk written to stdout and stderr (the
 * handlers' Powertools log lines and anything else), and the process-level error events that mean
 * an exception escaped a handler or a promise was left to reject unobserved.
 */

type Write = typeof process.stdout.write;

export interface OutputCapture {
  /** Everything written so far, in order. */
  text(): string;
  /** Restores the streams; what was captured stays readable. */
  stop(): void;
}

/**
 * Replaces process.stdout.write and process.stderr.write until stop(). With `echo`, what is
 * written still reaches the terminal as well.
 */
export function captureOutput(options: { readonly echo?: boolean } = {}): OutputCapture {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream): Write => stream.write.bind(stream));
  streams.forEach((stream, index) => {
    const replacement = (chunk: unknown, ...rest: unknown[]): boolean => {
      chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      if (options.echo === true) return (originals[index] as (...args: unknown[]) => boolean)(chunk, ...rest);
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    };
    stream.write = replacement;
  });
  let stopped = false;
  return {
    text: () => chunks.join(""),
    stop() {
      if (stopped) return;
      stopped = true;
      streams.forEach((stream, index) => {
        stream.write = originals[index]!;
      });
    },
  };
}

export interface ProcessErrorCounter {
  readonly uncaughtExceptions: () => number;
  readonly unhandledRejections: () => number;
  /** Names of what was caught (never messages: they may quote data). */
  readonly names: () => readonly string[];
  stop(): void;
}

/**
 * Counts 'uncaughtException' and 'unhandledRejection' events. Listening to them keeps the process
 * alive after such an event, so the run can finish and report it instead of dying half-way.
 */
export function countProcessErrors(): ProcessErrorCounter {
  let uncaught = 0;
  let unhandled = 0;
  const names: string[] = [];
  const nameOf = (error: unknown) => (error instanceof Error ? error.name : typeof error);
  const onUncaught = (error: unknown) => {
    uncaught += 1;
    names.push(`uncaughtException:${nameOf(error)}`);
  };
  const onUnhandled = (reason: unknown) => {
    unhandled += 1;
    names.push(`unhandledRejection:${nameOf(reason)}`);
  };
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUnhandled);
  return {
    uncaughtExceptions: () => uncaught,
    unhandledRejections: () => unhandled,
    names: () => [...names],
    stop() {
      process.off("uncaughtException", onUncaught);
      process.off("unhandledRejection", onUnhandled);
    },
  };
}
