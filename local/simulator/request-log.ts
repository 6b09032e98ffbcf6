import type { IncomingHttpHeaders } from "node:http";
import type { RecordedRequest } from "./types";

/**
 * Every API request the simulator received. The Authorization header is never stored — only
 * whether it was accepted — so a dump of the log cannot leak the key pair.
 */
export class RequestLog {
  private readonly entries: RecordedRequest[] = [];

  record(entry: RecordedRequest): void {
    this.entries.push(entry);
  }

  list(): readonly RecordedRequest[] {
    return this.entries.map((entry) => ({ ...entry, headers: { ...entry.headers } }));
  }

  clear(): void {
    this.entries.length = 0;
  }
}

export function redactedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name === "authorization" || value === undefined) continue;
    result[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return result;
}
