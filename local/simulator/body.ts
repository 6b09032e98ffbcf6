import type { IncomingMessage } from "node:http";
import { apiError, badValue } from "./api-errors";
import type { Reply } from "./reply";

/** Mark ID's documented maximum request size (§6.1, /process). */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

export interface RawBody {
  readonly bytes: Buffer;
  /** Over MAX_BODY_BYTES: the excess was read and discarded, `bytes` is incomplete. */
  readonly tooLarge: boolean;
}

export async function readBody(request: IncomingMessage): Promise<RawBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= MAX_BODY_BYTES) chunks.push(buffer);
  }
  return { bytes: Buffer.concat(chunks), tooLarge: size > MAX_BODY_BYTES };
}

export type JsonBody =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly reply: Reply };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The request body as Mark ID reads it: empty means `{}` (so required fields come back as
 * MISSING_VALUE); a non-JSON media type or invalid UTF-8 is ENCODING_ERROR; bad JSON is JSON_ERROR.
 */
export function parseJsonBody(bytes: Buffer, contentType: string | undefined): JsonBody {
  if (bytes.length === 0) return { ok: true, value: {} };
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (mediaType !== "application/json") {
    return {
      ok: false,
      reply: apiError("ENCODING_ERROR", `Unsupported media type "${mediaType}" in request.`),
    };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, reply: apiError("ENCODING_ERROR", "Request body is not valid UTF-8.") };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // V8's parse message quotes the body; the body may hold personal data, so it is not echoed.
    return {
      ok: false,
      reply: apiError("JSON_ERROR", "JSON parse error: the request body is not valid JSON."),
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, reply: badValue("body", "must be a JSON object") };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
