import { afterAll, beforeAll } from "vitest";

type Write = typeof process.stdout.write;

/**
 * Captures everything this worker writes to stdout and stderr (Powertools logs: INFO and below
 * to stdout, WARN and ERROR to stderr; EMF metrics to stdout) from beforeAll to afterAll, so a
 * test can scan the output for leaks. Kept out of the terminal; set SHOW_LOGS=1 to see it too.
 */
export function useOutputCapture(): () => string {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream): Write => stream.write.bind(stream));
  beforeAll(() => {
    streams.forEach((stream, index) => {
      const replacement = (chunk: unknown, ...rest: unknown[]): boolean => {
        chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
        if (process.env.SHOW_LOGS === "1") {
          return (originals[index] as (...args: unknown[]) => boolean)(chunk, ...rest);
        }
        const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
        callback?.();
        return true;
      };
      stream.write = replacement;
    });
  });
  afterAll(() => {
    streams.forEach((stream, index) => {
      stream.write = originals[index]!;
    });
  });
  return () => chunks.join("");
}

/** The JSON lines of the captured output (log lines and EMF metric blobs), parsed. */
export function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}
