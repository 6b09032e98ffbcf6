import type { StoredSession } from "../../aws/session-store";
import type { TokenResponse } from "../../markid/schemas/token";
import type { SessionCreatedEvent } from "../../messages";
import type { VerificationRequest } from "./request";

/** Mark ID's default `expiryTime` (markid-api.md §3.1) when neither the reply nor the request gives one. */
export const DEFAULT_TOKEN_EXPIRY_SECONDS = 86_400;

/** The documented browser entry point (markid-api.md §5): `GET /api/v2/redirect?authToken=`. */
export function redirectUrlFor(baseUrl: string, authToken: string): string {
  const query = new URLSearchParams({ authToken }).toString();
  return `${baseUrl.replace(/\/+$/, "")}/api/v2/redirect?${query}`;
}

export interface NewSession {
  readonly session: StoredSession;
  /** When the token expires, epoch seconds (the stored session is kept longer: on-created.ts). */
  readonly ttlEpochSeconds: number;
}

/**
 * The session to store and publish for a token Mark ID just made. The expiry counts from now:
 * the reply's `expiryTime` (what Mark ID applied), else the request's, else Mark ID's default.
 * The reply's `redirectUrl` (iDenfy gives one) wins over the documented entry point.
 */
export function sessionFromToken(
  token: TokenResponse,
  request: VerificationRequest,
  options: { readonly baseUrl: string; readonly now: number },
): NewSession {
  const expirySeconds =
    positiveSeconds(token.expiryTime) ??
    positiveSeconds(request.token.expiryTime) ??
    DEFAULT_TOKEN_EXPIRY_SECONDS;
  const expiresAtMs = options.now + expirySeconds * 1000;
  const redirectUrl =
    typeof token.redirectUrl === "string" && token.redirectUrl.length > 0
      ? token.redirectUrl
      : redirectUrlFor(options.baseUrl, token.authToken);
  return {
    session: {
      scanRef: token.scanRef,
      authToken: token.authToken,
      redirectUrl,
      expiresAt: new Date(expiresAtMs).toISOString(),
      clientId: request.clientId,
    },
    ttlEpochSeconds: Math.ceil(expiresAtMs / 1000),
  };
}

export function sessionCreatedEvent(requestId: string, session: StoredSession): SessionCreatedEvent {
  return {
    type: "verification.session-created",
    requestId,
    clientId: session.clientId,
    scanRef: session.scanRef,
    authToken: session.authToken,
    redirectUrl: session.redirectUrl,
    expiresAt: session.expiresAt,
  };
}

/** Mark ID caps expiryTime at 30 days; anything outside (0, 30 days] is not trusted. */
const MAX_EXPIRY_SECONDS = 2_592_000;

function positiveSeconds(value: number | null | undefined): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 && value <= MAX_EXPIRY_SECONDS
    ? value
    : undefined;
}
