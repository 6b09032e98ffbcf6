import type { ServerResponse } from "node:http";

/** What a handler answers; the server writes it. Handlers never touch the socket themselves. */
export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(value) };
}

/** Mark ID answers /process, /delete and /add-dummy-status with a 200 and no body. */
export function emptyReply(status = 200): Reply {
  return { status };
}

export function textReply(status: number, body: string, contentType = "text/plain; charset=utf-8"): Reply {
  return { status, headers: { "Content-Type": contentType }, body };
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  const body = reply.body ?? "";
  res.writeHead(reply.status, { ...reply.headers, "Content-Length": String(Buffer.byteLength(body)) });
  res.end(body);
}
