import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { internalError, methodNotAllowed, notFound, tooManyRequests, unauthorized } from "./api-errors";
import { isAuthorized } from "./auth";
import { parseJsonBody, readBody, type RawBody } from "./body";
import type { SimulatorCore } from "./core";
import { planFault, truncate } from "./faults";
import { sweepExpired } from "./lifecycle";
import { textReply, writeReply, type Reply } from "./reply";
import { redactedHeaders } from "./request-log";
import { routes } from "./routes";
import type { RecordedRequest } from "./types";

/**
 * The simulator's HTTP server on plain node:http: a dozen exact-match routes, a fault stage and a
 * control surface need no framework, and node:http lets a fault destroy the socket mid-request.
 *
 * Pipeline for API paths (everything outside /__): record → fault → size → route (404) → auth →
 * rate limit → method → JSON body → handler. The order after the fault stage follows Django REST
 * framework, which the platform runs on: URL resolution first, then authentication, throttling,
 * method dispatch, and the body is parsed only when the view reads it.
 */
export type ControlHandler = (
  method: string,
  path: string,
  query: URLSearchParams,
  body: Buffer,
) => Promise<Reply>;

export function createSimulatorServer(core: SimulatorCore, control: ControlHandler): Server {
  return createServer((request, response) => {
    handle(core, control, request, response).catch(() => {
      if (!response.headersSent) writeReply(response, internalError());
      else response.destroy();
    });
  });
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

async function handle(
  core: SimulatorCore,
  control: ControlHandler,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? "/", "http://simulator.invalid");
  const path = url.pathname;
  const method = request.method ?? "GET";
  const raw = await readBody(request);

  if (path === "/__control" || path.startsWith("/__control/")) {
    // The control surface has no auth: it is only for the machine the simulator runs on.
    const reply = LOOPBACK.has(request.socket.remoteAddress ?? "")
      ? await control(method, path, url.searchParams, raw.bytes)
      : textReply(403, "The control surface answers loopback clients only.");
    writeReply(response, reply);
    return;
  }
  if (path.startsWith("/__")) {
    writeReply(response, await routeReply(core, request, url, raw, false));
    return;
  }

  const authorized = isAuthorized(request.headers.authorization, core.state.apiKey, core.state.apiSecret);
  const entry: RecordedRequest = {
    method,
    path,
    headers: redactedHeaders(request.headers),
    body: raw.bytes.toString("utf8"),
    at: Date.now(),
    authorized,
    status: 0,
  };
  core.requestLog.record(entry);

  const reply = await apiReply(core, request, url, raw, authorized);
  if (reply === "reset") {
    request.socket.destroy();
    return;
  }
  entry.status = reply.status;
  writeReply(response, reply);
}

async function apiReply(
  core: SimulatorCore,
  request: IncomingMessage,
  url: URL,
  raw: RawBody,
  authorized: boolean,
): Promise<Reply | "reset"> {
  const fault = core.faults.take(url.pathname);
  const plan = fault === undefined ? undefined : planFault(fault);
  if (plan?.kind === "reply") return plan.reply;
  if (plan?.kind === "reset" && !plan.afterHandling) return "reset";
  if (plan?.kind === "delay") {
    await sleep(plan.ms, undefined, { signal: core.closing }).catch(() => undefined);
    if (core.closing.aborted) return "reset";
  }
  const reply = await routeReply(core, request, url, raw, authorized);
  if (plan?.kind === "reset") return "reset";
  if (plan?.kind === "truncate") return truncate(reply);
  return reply;
}

async function routeReply(
  core: SimulatorCore,
  request: IncomingMessage,
  url: URL,
  raw: RawBody,
  authorized: boolean,
): Promise<Reply> {
  const now = Date.now();
  if (raw.tooLarge)
    return textReply(413, "<html><body><h1>413 Request Entity Too Large</h1></body></html>", "text/html");
  const route = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
  if (route === undefined) return notFound();
  if (route.auth) {
    if (!authorized)
      return unauthorized(core.options.unauthorizedStyle, request.headers.authorization !== undefined);
    if (core.rateLimit !== null && !core.rateLimit.tryTake(now))
      return tooManyRequests(core.rateLimit.secondsUntilNext());
  }
  const method = request.method ?? "GET";
  if (method !== route.method) return methodNotAllowed(method);
  const body =
    route.method === "POST"
      ? parseJsonBody(raw.bytes, request.headers["content-type"])
      : { ok: true as const, value: {} };
  if (!body.ok) return body.reply;
  sweepExpired(core, now);
  try {
    return await route.handle({ core, body: body.value, query: url.searchParams, now });
  } catch {
    return internalError();
  }
}
