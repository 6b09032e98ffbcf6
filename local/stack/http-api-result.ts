/** An HTTP reply to write, from a handler's result. */
export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: Buffer;
}

export const INTERNAL_SERVER_ERROR: HttpReply = jsonMessage(500, "Internal Server Error");
export const NOT_FOUND: HttpReply = jsonMessage(404, "Not Found");
export const TOO_LARGE: HttpReply = jsonMessage(413, "Request Entity Too Large");

/**
 * What API Gateway (HTTP API, payload 2.0) answers for a function's result: an object with a
 * `statusCode` is a structured result (headers, cookies as Set-Cookie, body, base64 body); any
 * other value is sent as JSON with status 200 (AWS's "format inference"). A structured result
 * that API Gateway could not send — statusCode not an HTTP status, body not a string — is a 500.
 */
export function fromHttpApiResult(result: unknown): HttpReply {
  if (typeof result !== "object" || result === null || !("statusCode" in result)) {
    return {
      status: 200,
      headers: { "content-type": "application/json" },
      body: Buffer.from(result === undefined ? "" : JSON.stringify(result)),
    };
  }
  const structured = result as {
    statusCode: unknown;
    headers?: unknown;
    cookies?: unknown;
    body?: unknown;
    isBase64Encoded?: unknown;
  };
  const status = structured.statusCode;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599)
    return INTERNAL_SERVER_ERROR;
  if (structured.body !== undefined && typeof structured.body !== "string") return INTERNAL_SERVER_ERROR;
  const headers: Record<string, string | string[]> = {};
  if (typeof structured.headers === "object" && structured.headers !== null) {
    for (const [name, value] of Object.entries(structured.headers)) {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
        headers[name.toLowerCase()] = String(value);
    }
  }
  if (Array.isArray(structured.cookies)) {
    headers["set-cookie"] = structured.cookies.filter((c): c is string => typeof c === "string");
  }
  const text = structured.body ?? "";
  const body = structured.isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text, "utf8");
  return { status, headers, body };
}

function jsonMessage(status: number, message: string): HttpReply {
  return {
    status,
    headers: { "content-type": "application/json" },
    body: Buffer.from(JSON.stringify({ message })),
  };
}
