import { jsonReply, textReply, type Reply } from "./reply";
import type { UnauthorizedStyle } from "./types";

/**
 * Mark ID's standard error body (markid-api.md §9.1): identifier + message, and — like every
 * documented example — `documentation` and `severity`, so clients are tested against the extras.
 */
export function apiError(
  identifier: string,
  message: string,
  status = 400,
  headers: Record<string, string> = {},
): Reply {
  return jsonReply(status, { identifier, message, documentation: "", severity: "NOT_SEVERE" }, headers);
}

export const TOKEN_LIMIT_MESSAGE = "Partner reached token limit.";
export const TOKEN_NOT_EXPIRED_MESSAGE = "Token has not expired yet.";
export const INVALID_CREDENTIALS_MESSAGE = "Invalid authorization credentials";
export const MISSING_CREDENTIALS_MESSAGE = "Authentication credentials were not provided.";

export function notAvailableForEnvironment(environment: string): Reply {
  return apiError("PERMISSIONS_ERROR", `This endpoint is not available for ${environment} partners.`);
}

export function missingValue(field: string): Reply {
  return apiError("MISSING_VALUE", `Missing mandatory value for '${field}'.`);
}

export function badValue(field: string, reason: string): Reply {
  return apiError("BAD_VALUE", `Invalid value for '${field}': ${reason}`);
}

export function unauthorized(style: UnauthorizedStyle, credentialsGiven: boolean): Reply {
  const message = credentialsGiven ? INVALID_CREDENTIALS_MESSAGE : MISSING_CREDENTIALS_MESSAGE;
  switch (style) {
    case "identifier-400":
      return apiError("UNAUTHORIZED", message);
    case "plain-401":
      // Django REST framework's shape, which iDenfy documents; it also sends the Basic challenge.
      return jsonReply(401, { detail: message }, { "WWW-Authenticate": 'Basic realm="api"' });
  }
}

export function methodNotAllowed(method: string): Reply {
  return apiError("METHOD_NOT_ALLOWED", `Method "${method}" not allowed.`);
}

/** Unknown paths get Django's plain HTML 404: URL resolution happens before any API code runs. */
export function notFound(): Reply {
  return textReply(
    404,
    "<!doctype html><html><head><title>Not Found</title></head><body><h1>Not Found</h1>" +
      "<p>The requested resource was not found on this server.</p></body></html>",
    "text/html; charset=utf-8",
  );
}

export function tooManyRequests(retryAfterSeconds: number): Reply {
  return apiError("TOO_MANY_REQUESTS", "Request was throttled.", 429, {
    "Retry-After": String(retryAfterSeconds),
  });
}

export function internalError(): Reply {
  return apiError("INTERNAL_ERROR", "Internal server error.", 500);
}
