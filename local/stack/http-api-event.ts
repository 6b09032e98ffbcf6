import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2 } from "aws-lambda";

/** An HTTP request as the HTTP API receives it, before it becomes a Lambda event. */
export interface IncomingRequest {
  readonly method: string;
  /** Path and query as sent, e.g. `/markid/webhook?x=1`. */
  readonly url: string;
  /** Node's `rawHeaders`: names as sent, duplicates kept, in order. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
}

export interface RouteInfo {
  /** `POST /markid/webhook`. */
  readonly routeKey: string;
  readonly apiId: string;
  readonly accountId: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The API Gateway HTTP API (payload format 2.0) event for a request, as AWS documents it:
 * header names lower-cased, duplicate headers and query parameters joined with commas, cookies
 * moved to `cookies`, no `body` when there is none. The body is passed as text when it is valid
 * UTF-8 and not content-encoded, otherwise base64 with `isBase64Encoded: true`, so the handler
 * always gets the exact bytes the signature was computed over.
 */
export function toHttpApiEvent(
  request: IncomingRequest,
  route: RouteInfo,
  now = new Date(),
): APIGatewayProxyEventV2 {
  const headers = joinedHeaders(request.rawHeaders);
  const cookieHeader = headers["cookie"];
  delete headers["cookie"];
  const queryAt = request.url.indexOf("?");
  const rawPath = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? "" : request.url.slice(queryAt + 1);
  const query = joinedQuery(rawQueryString);
  const host = headers["host"] ?? "localhost";
  const body = encodeBody(request.body, headers["content-encoding"]);

  return {
    version: "2.0",
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookieHeader === undefined ? {} : { cookies: cookieHeader.split(/;\s*/).filter((c) => c !== "") }),
    headers,
    ...(query === undefined ? {} : { queryStringParameters: query }),
    requestContext: {
      accountId: route.accountId,
      apiId: route.apiId,
      domainName: host,
      domainPrefix: host.split(".")[0] ?? host,
      http: {
        method: request.method,
        path: rawPath,
        protocol: "HTTP/1.1",
        sourceIp: request.sourceIp,
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: "$default",
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...body,
  };
}

function joinedHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    const previous = headers[name];
    // Cookies join as the one Cookie header does, everything else with commas (AWS: "combined with commas").
    headers[name] = previous === undefined ? value : `${previous}${name === "cookie" ? "; " : ","}${value}`;
  }
  return headers;
}

function joinedQuery(raw: string): Record<string, string> | undefined {
  if (raw === "") return undefined;
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    const previous = query[name];
    query[name] = previous === undefined ? value : `${previous},${value}`;
  }
  return query;
}

function encodeBody(
  bytes: Buffer,
  contentEncoding: string | undefined,
): { isBase64Encoded: boolean; body?: string } {
  if (bytes.length === 0) return { isBase64Encoded: false };
  if (contentEncoding === undefined || contentEncoding === "identity") {
    try {
      return { isBase64Encoded: false, body: utf8.decode(bytes) };
    } catch {
      // not UTF-8: fall through to base64
    }
  }
  return { isBase64Encoded: true, body: bytes.toString("base64") };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `12/Mar/2020:19:03:58 +0000`, the format of requestContext.time. */
function clfTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
