import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import type { Simulator } from "../../local/simulator";

export const KEY = "local-api-key";
export const SECRET = "local-api-secret";

export function basic(key = KEY, secret = SECRET): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString("base64")}`;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: Record<string, unknown> | undefined;
}

export interface CallOptions {
  readonly method?: string;
  /** null sends no Authorization header. */
  readonly auth?: string | null;
  readonly contentType?: string;
  /** Send this text as the body instead of JSON-encoding `body`. */
  readonly raw?: string;
}

export async function call(
  sim: Simulator,
  path: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<ApiResponse> {
  const method = options.method ?? "POST";
  const headers: Record<string, string> = {};
  const auth = options.auth === undefined ? basic() : options.auth;
  if (auth !== null) headers["Authorization"] = auth;
  const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  if (payload !== undefined) headers["Content-Type"] = options.contentType ?? "application/json";
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
    redirect: "manual",
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: parseJson(text) };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Create a token and return its response body; fails the test when it is not 201. */
export async function createToken(
  sim: Simulator,
  body: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const response = await call(sim, "/api/v2/token", { clientId: "client-1", ...body });
  if (response.status !== 201 || response.json === undefined) {
    throw new Error(`token creation failed: ${response.status} ${response.text}`);
  }
  return response.json;
}

export function str(value: unknown): string {
  if (typeof value !== "string") throw new Error(`expected a string, got ${JSON.stringify(value)}`);
  return value;
}

/** The standard Mark ID error body, every field checked. */
export function expectedError(identifier: string, message?: string): Record<string, unknown> {
  return {
    identifier,
    message: message ?? expect.any(String),
    documentation: "",
    severity: "NOT_SEVERE",
  };
}

interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface Receiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Statuses to answer with, in order; 200 once they run out. */
  readonly replies: number[];
  close(): Promise<void>;
}

/** A webhook receiver on loopback that records raw bodies and answers scripted statuses. */
export async function startReceiver(replies: number[] = []): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(replies.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/markid/webhook`,
    received,
    replies,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function webhookJson(body: string | Buffer): Record<string, unknown> {
  return JSON.parse(body.toString()) as Record<string, unknown>;
}
