import type { Result } from "neverthrow";
import { ResultAsync, err, ok } from "neverthrow";
import type { MarkIdError, NetworkError, TimeoutError } from "./errors";
import { decodeErrorResponse } from "./error-response";

/** The API key pair: HTTP Basic username and password. */
export interface MarkIdCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
}

/**
 * Where the key pair comes from, asked on every call so a rotated secret is picked up by the
 * source's own caching policy. A failure is passed through unchanged (typically
 * `credentials-unavailable`).
 */
export type CredentialsSource = () => ResultAsync<MarkIdCredentials, MarkIdError>;

export type HttpMethod = "GET" | "POST";

export interface TransportOptions {
  readonly baseUrl: string;
  readonly credentials: CredentialsSource;
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
}

export interface HttpRequest {
  readonly method: HttpMethod;
  /** Path on the API host, e.g. `/api/v2/status`. */
  readonly path: string;
  /** Serialised JSON body; absent for GET. */
  readonly body?: string;
  /** Overrides the transport's timeout for this call (e.g. to fit a Lambda's remaining time). */
  readonly timeoutMs?: number;
}

/** A 2xx reply, body fully read. Non-2xx replies never get here: they are MarkIdErrors. */
export interface HttpReply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

export interface Transport {
  send(request: HttpRequest): ResultAsync<HttpReply, MarkIdError>;
}

/**
 * The one place where `fetch`'s exceptions become values. Everything above it works on
 * Results; everything below it (fetch, the credentials source) may throw or reject.
 */
export function createTransport(options: TransportOptions): Transport {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  // WHY one async function rather than a chain of ResultAsync steps: every andThen/map/mapErr
  // is a further promise, an __awaiter generator and a few microtask hops, about a dozen per
  // call here. Profiled in bench/client-overhead.ts that chain cost more CPU than fetch's own
  // request setup; the straight-line version does the same steps with no intermediate Results.
  return { send: (request) => new ResultAsync(send(options, baseUrl, request)) };
}

async function send(
  options: TransportOptions,
  baseUrl: string,
  request: HttpRequest,
): Promise<Result<HttpReply, MarkIdError>> {
  const timeoutMs = request.timeoutMs ?? options.timeoutMs;
  const url = resolveUrl(baseUrl, request.path);
  if (url === undefined)
    return err({ kind: "network", message: "invalid Mark ID base URL", maybeSent: false });
  const credentials = await readCredentials(options.credentials);
  if (credentials.isErr()) return err(credentials.error);

  const deadline = startDeadline(timeoutMs);
  const { signal } = deadline;
  const init: RequestInit = {
    method: request.method,
    headers: requestHeaders(credentials.value, request.body !== undefined),
    // A redirect is not part of this API; surfacing it as an HTTP error beats silently
    // following it (a POST turned into a GET, a body sent somewhere unexpected).
    redirect: "manual",
    signal,
    ...(request.body === undefined ? {} : { body: request.body }),
  };
  let response: Response;
  let body: Uint8Array;
  try {
    try {
      response = await options.fetch(url, init);
    } catch (error) {
      return err(classifyFetchFailure(error, { timeoutMs, signal, responseStarted: false }));
    }
    try {
      body = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      return err(classifyFetchFailure(error, { timeoutMs, signal, responseStarted: true }));
    }
  } finally {
    deadline.clear();
  }
  return response.status >= 200 && response.status < 300
    ? ok({ status: response.status, headers: response.headers, body })
    : err(decodeErrorResponse(response.status, response.headers, body));
}

function resolveUrl(baseUrl: string, path: string): URL | undefined {
  try {
    return new URL(`${baseUrl}${path.startsWith("/") ? path : `/${path}`}`);
  } catch {
    return undefined;
  }
}

async function readCredentials(source: CredentialsSource): Promise<Result<MarkIdCredentials, MarkIdError>> {
  // The source is typed to return a ResultAsync, but a throwing or rejecting implementation must
  // still not make this library throw.
  try {
    return await source();
  } catch {
    return err({ kind: "credentials-unavailable", message: "credentials source failed unexpectedly" });
  }
}

interface Deadline {
  readonly signal: AbortSignal;
  /** The call is over: stop the timer. */
  clear(): void;
}

/**
 * Aborts the call after `timeoutMs`, covering the reply headers and the body.
 *
 * WHY not `AbortSignal.timeout`: on Node 20 it makes a transferable signal (makeTransferable, a
 * weak reference and a finalizer) and its timer lives for the whole timeout even after the call
 * is over, so every call leaves a signal and a 10 s timer for the GC — profiled at about a fifth
 * of the client's CPU per call (bench/client-overhead.ts). A plain controller whose timer is
 * cleared when the body has been read costs a fraction of that.
 */
function startDeadline(timeoutMs: number): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
  }, timeoutMs);
  // Like AbortSignal.timeout's timer: it alone does not keep the process alive.
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

function requestHeaders(credentials: MarkIdCredentials, hasBody: boolean): Record<string, string> {
  const basic = Buffer.from(`${credentials.apiKey}:${credentials.apiSecret}`, "utf8").toString("base64");
  return {
    authorization: `Basic ${basic}`,
    accept: "application/json",
    ...(hasBody ? { "content-type": "application/json" } : {}),
  };
}

/**
 * Error codes meaning no connection was ever established, so the request cannot have reached
 * Mark ID and retrying even a credit-spending call is safe. Everything else (reset, socket
 * closed, TLS trouble, an unknown failure) may have happened after the request was sent.
 */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_NONAME",
  "EAI_FAIL",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

interface FailureContext {
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** Headers already arrived: the request was certainly sent. */
  readonly responseStarted: boolean;
}

function classifyFetchFailure(error: unknown, context: FailureContext): NetworkError | TimeoutError {
  if (context.signal.aborted || nameOf(error) === "TimeoutError") {
    return { kind: "timeout", timeoutMs: context.timeoutMs };
  }
  const codes = errorCodes(error);
  const maybeSent =
    context.responseStarted || codes.length === 0 || codes.some((code) => !NOT_SENT_CODES.has(code));
  // Built from the code only: a library's message may quote a URL or header value.
  const detail = codes.length === 0 ? "" : ` (${[...new Set(codes)].join(", ")})`;
  return {
    kind: "network",
    message: `${context.responseStarted ? "reply interrupted" : "request failed"}${detail}`,
    maybeSent,
  };
}

/**
 * The system error codes behind a fetch failure. undici wraps them: TypeError("fetch failed")
 * → cause { code }, or → cause AggregateError { errors: [{ code }, …] } when several addresses
 * were tried.
 */
function errorCodes(error: unknown, depth = 0): string[] {
  if (depth > 5 || typeof error !== "object" || error === null) return [];
  const record = error as { code?: unknown; cause?: unknown; errors?: unknown };
  const nested = Array.isArray(record.errors)
    ? record.errors.flatMap((inner: unknown) => errorCodes(inner, depth + 1))
    : [];
  if (nested.length > 0) return nested;
  const own = typeof record.code === "string" ? [record.code] : [];
  const fromCause = errorCodes(record.cause, depth + 1);
  return fromCause.length > 0 ? fromCause : own;
}

function nameOf(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && typeof (error as { name?: unknown }).name === "string"
    ? (error as { name: string }).name
    : undefined;
}
