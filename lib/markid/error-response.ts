import { Result } from "neverthrow";
import type { HttpStatusError, MarkIdError } from "./errors";
import { isKnownIdentifier } from "./identifiers";

/** Enough of a gateway page or a plain-text reply to diagnose it, small enough for a log line. */
export const BODY_EXCERPT_LENGTH = 200;
// Mark ID's messages are short sentences; anything longer is not a message we want in logs.
const MAX_MESSAGE_LENGTH = 500;

/** The one method of `Headers` we need, so callers (and tests) can pass a plain object. */
export interface HeaderLookup {
  get(name: string): string | null;
}

const lenientUtf8 = new TextDecoder("utf-8", { fatal: false });
const parseJson = Result.fromThrowable((text: string): unknown => JSON.parse(text));

/**
 * Maps a non-2xx reply to a MarkIdError. Total: any status, any header values, any bytes give a
 * value and never throw, because this runs on whatever a proxy, gateway or Mark ID sends back.
 *
 * - JSON body with a known `identifier` → `api`; an unknown identifier is kept verbatim
 *   (`unknown-identifier`: API drift, the caller alerts).
 * - anything else (no identifier, HTML, plain text, empty) → `http` with a bounded excerpt.
 * - `Retry-After` (delta-seconds or HTTP-date) → `retryAfterSeconds` where the variant has it.
 */
export function decodeErrorResponse(status: number, headers: HeaderLookup, body: Uint8Array): MarkIdError {
  const text = lenientUtf8.decode(body);
  const retryAfterSeconds = parseRetryAfter(readHeader(headers, "retry-after"));
  const standard = parseJson(text).match(readStandardErrorBody, () => undefined);

  if (standard !== undefined) {
    if (isKnownIdentifier(standard.identifier)) {
      return {
        kind: "api",
        identifier: standard.identifier,
        status,
        message: standard.message,
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      };
    }
    return { kind: "unknown-identifier", identifier: standard.identifier, status, message: standard.message };
  }

  const error: HttpStatusError = {
    kind: "http",
    status,
    bodyExcerpt: excerpt(text),
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
  return error;
}

/**
 * `Retry-After` in seconds from now: delta-seconds (`120`) or an HTTP-date. A date in the past
 * gives 0; an unreadable value gives `undefined` (the caller falls back to its own backoff).
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isSafeInteger(seconds) ? seconds : undefined;
  }
  // Only date-looking values: Date.parse is permissive enough to read "1 2" as a date.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

interface StandardErrorBody {
  readonly identifier: string;
  readonly message: string;
}

function readStandardErrorBody(parsed: unknown): StandardErrorBody | undefined {
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const { identifier, message } = parsed as Record<string, unknown>;
  if (typeof identifier !== "string" || identifier.trim() === "") return undefined;
  return {
    identifier,
    message: typeof message === "string" ? message.slice(0, MAX_MESSAGE_LENGTH) : "",
  };
}

function readHeader(headers: HeaderLookup, name: string): string | null {
  // A caller-supplied lookup could misbehave; a header we cannot read is a header we ignore.
  return Result.fromThrowable(() => headers.get(name))().unwrapOr(null);
}

function excerpt(text: string): string {
  // One line: an HTML page's layout whitespace carries nothing and breaks log lines.
  // Cut before collapsing whitespace so a multi-megabyte body costs nothing extra.
  return text
    .slice(0, BODY_EXCERPT_LENGTH * 4)
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, BODY_EXCERPT_LENGTH);
}
