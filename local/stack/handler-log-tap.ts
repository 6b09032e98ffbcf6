import { LogLevelThreshold } from "@aws-lambda-powertools/logger";
import { cut } from "./console-lines";

/*
 * `npm start` shows what a batch line cannot: a Mark ID call retried, a duplicate request that
 * spent no token, a record given back and why. The handlers say so in their own JSON logs (INFO
 * and WARN), so the stack runs them at INFO at least, reads their lines off stdout/stderr, prints
 * one console line for those that matter, and lets through only those at the level the user asked
 * for (POWERTOOLS_LOG_LEVEL, default ERROR). Only named identifier fields are printed; the
 * handlers' log lines hold no secret or personal data by contract (lib/observability/logger.ts).
 */

const threshold = (level: string): number | undefined =>
  (LogLevelThreshold as Record<string, number>)[level.toUpperCase()];

/**
 * The level to show and the level to run the handlers at, from the user's POWERTOOLS_LOG_LEVEL.
 * An unknown level is left as it is, for the stack's settings check to refuse.
 */
export function handlerLogLevels(requested: string | undefined): { show: string; run: string } {
  const show = requested === undefined || requested === "" ? "ERROR" : requested;
  const shown = threshold(show);
  if (shown === undefined) return { show, run: show };
  return { show, run: shown > LogLevelThreshold.INFO ? "INFO" : show };
}

/** The console line for a handler log entry worth one, or undefined. */
export function describeHandlerLog(entry: Readonly<Record<string, unknown>>): string | undefined {
  const id = idOf(entry);
  switch (entry["message"]) {
    case "Mark ID call failed; retrying":
      return (
        `retry  ${id}: Mark ID call ${text(entry["attempt"])} failed (${text(entry["identifier"])}), ` +
        `retried in ${text(entry["delayMs"])} ms`
      );
    case "record acknowledged":
      return entry["outcome"] === "session-republished"
        ? `dup    ${id}: a duplicate request: its stored session re-published, no token spent`
        : undefined;
    case "record given back to the queue":
    case "record not finished before the invocation deadline; given back to the queue":
      return (
        `back   ${id}: given back to the queue (${text(entry["outcome"])}` +
        (entry["reason"] === undefined ? "" : `: ${text(entry["reason"])}`) +
        (entry["attempts"] === undefined ? "" : `, ${text(entry["attempts"])} Mark ID call(s)`) +
        ")"
      );
    case "result not published: given back for redelivery":
      return (
        `back   scanRef=${text(entry["scanRef"])}: result given back to the results queue ` +
        `(${text(entry["reason"])}: ${text(entry["error"])})`
      );
    default:
      return undefined;
  }
}

function idOf(entry: Readonly<Record<string, unknown>>): string {
  return typeof entry["requestId"] === "string"
    ? `requestId=${text(entry["requestId"])}`
    : `messageId=${text(entry["messageId"])}`;
}

/** A scalar as one bounded line. */
function text(value: unknown): string {
  return cut(String(value), 160);
}

export interface HandlerLogTapOptions {
  /** POWERTOOLS_SERVICE_NAME of the handlers: only their lines are read. */
  readonly service: string;
  /** The lowest level that still reaches the terminal. */
  readonly show: string;
  readonly onEntry: (entry: Readonly<Record<string, unknown>>) => void;
  readonly streams?: readonly NodeJS.WriteStream[];
}

/** Reads the handlers' log lines as they are written; returns the function that stops it. */
export function tapHandlerLogs(options: HandlerLogTapOptions): () => void {
  const streams = options.streams ?? [process.stdout, process.stderr];
  const shown = threshold(options.show) ?? LogLevelThreshold.ERROR;
  const originals = streams.map((stream) => stream.write.bind(stream) as (...args: unknown[]) => boolean);
  streams.forEach((stream, index) => {
    const write = originals[index]!;
    stream.write = (chunk: unknown, ...rest: unknown[]): boolean => {
      const entry = handlerEntry(chunk, options.service);
      if (entry === undefined) return write(chunk, ...rest);
      options.onEntry(entry);
      if ((threshold(String(entry["level"])) ?? LogLevelThreshold.ERROR) >= shown)
        return write(chunk, ...rest);
      // Kept from the terminal: tell the writer it is done, as a write would.
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    };
  });
  return () =>
    streams.forEach((stream, index) => {
      stream.write = originals[index]!;
    });
}

/** The handler log entry a write carries: one JSON line with the handlers' service and a level. */
function handlerEntry(chunk: unknown, service: string): Record<string, unknown> | undefined {
  const line = typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : "";
  if (!line.startsWith("{")) return undefined;
  try {
    const entry = JSON.parse(line) as unknown;
    if (typeof entry !== "object" || entry === null) return undefined;
    const record = entry as Record<string, unknown>;
    return record["service"] === service && typeof record["level"] === "string" ? record : undefined;
  } catch {
    return undefined;
  }
}
