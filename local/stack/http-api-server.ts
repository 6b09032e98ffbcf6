import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { LOCAL_ACCOUNT_ID } from "../aws/index";
import type { FunctionDefinition } from "./functions";
import type { HttpApiHandler } from "./handlers";
import {
  fromHttpApiResult,
  INTERNAL_SERVER_ERROR,
  NOT_FOUND,
  TOO_LARGE,
  type HttpReply,
} from "./http-api-result";
import { toHttpApiEvent } from "./http-api-event";
import { invoke } from "./lambda-context";

export interface HttpApiRoute {
  readonly method: string;
  readonly path: string;
  readonly fn: FunctionDefinition;
  readonly handler: HttpApiHandler;
}

export interface HttpApiServerOptions {
  readonly host: string;
  readonly port: number;
  readonly routes: readonly HttpApiRoute[];
  readonly region: string;
  readonly stage: string;
  /** After each request, for the console. */
  readonly onRequest?: (report: HttpRequestReport) => void;
}

export interface HttpRequestReport {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  /** Why the reply is a gateway error (function threw, timed out, bad result), when it is. */
  readonly problem?: string;
}

export interface HttpApiServer {
  readonly url: string;
  close(): Promise<void>;
}

/** API Gateway HTTP APIs refuse payloads over 10 MB before the function sees them. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/**
 * A local stand-in for the HTTP API in front of the webhook function: exact routes
 * (`POST /markid/webhook`), each request turned into a payload-2.0 event, the function invoked
 * with a Lambda context, its result turned back into the reply. Unknown routes get API Gateway's
 * 404; a function that throws or times out gets its 500.
 */
export async function startHttpApiServer(options: HttpApiServerOptions): Promise<HttpApiServer> {
  const server = createServer((request, response) => {
    const started = Date.now();
    void handle(options, request).then(
      ({ reply, problem }) => {
        response.writeHead(reply.status, reply.headers as Record<string, string | string[]>);
        response.end(reply.body);
        options.onRequest?.({
          method: request.method ?? "GET",
          path: (request.url ?? "/").split("?")[0] ?? "/",
          status: reply.status,
          durationMs: Date.now() - started,
          ...(problem === undefined ? {} : { problem }),
        });
      },
      () => {
        // Only the request stream can fail here (the client went away): nothing left to answer.
        response.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  options: HttpApiServerOptions,
  request: IncomingMessage,
): Promise<{ reply: HttpReply; problem?: string }> {
  const method = request.method ?? "GET";
  const url = request.url ?? "/";
  const path = url.split("?")[0];
  const route = options.routes.find((r) => r.method === method && r.path === path);
  const body = await readBody(request);
  if (route === undefined) return { reply: NOT_FOUND };
  if (body === "too-large") return { reply: TOO_LARGE };

  const event = toHttpApiEvent(
    {
      method,
      url,
      rawHeaders: request.rawHeaders,
      body,
      sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
    },
    { routeKey: `${route.method} ${route.path}`, apiId: "local", accountId: LOCAL_ACCOUNT_ID },
  );
  const invocation = await invoke(route.handler, event, route.fn, options.region, options.stage);
  switch (invocation.kind) {
    case "returned":
      return { reply: fromHttpApiResult(invocation.value) };
    case "threw":
      return {
        reply: INTERNAL_SERVER_ERROR,
        problem: `the function threw: ${invocation.error instanceof Error ? invocation.error.message : String(invocation.error)}`,
      };
    case "timed-out":
      return {
        reply: INTERNAL_SERVER_ERROR,
        problem: `the function ran past its ${route.fn.timeoutSeconds} s timeout`,
      };
  }
}

/** The whole body, or "too-large" once it passes the limit (the rest is drained, not kept). */
async function readBody(request: IncomingMessage): Promise<Buffer | "too-large"> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
  }
  return size > MAX_PAYLOAD_BYTES ? "too-large" : Buffer.concat(chunks);
}
