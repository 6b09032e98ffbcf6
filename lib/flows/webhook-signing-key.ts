import { err, ok, okAsync, ResultAsync, type Result } from "neverthrow";
import type { CredentialsError, CredentialsProvider } from "../aws/credentials";

/** The webhook signing key, read through the container's credentials cache. */
export interface SigningKeySource {
  /** The cached key while fresh, else one shared Secrets Manager read. */
  current(): ResultAsync<string, CredentialsError>;
  /**
   * After a signature mismatch: re-reads the secret (the key may have been rotated) and returns
   * the key now stored, or null when a re-read completed less than the minimum interval ago and
   * this mismatch is not worth another one. Concurrent callers share one read in flight.
   */
  refreshAfterMismatch(): ResultAsync<string | null, CredentialsError>;
}

export interface SigningKeySourceOptions {
  readonly credentials: Pick<CredentialsProvider, "get" | "refresh">;
  /** Default 1000 ms. */
  readonly minRefreshIntervalMs?: number;
  /** Clock in epoch milliseconds; injected by tests. */
  readonly now?: () => number;
}

const DEFAULT_SIGNING_KEY_REFRESH_INTERVAL_MS = 1000;

/*
 * WHY the interval: anyone on the internet can POST a well-formed but wrong signature, and each
 * mismatch would otherwise cost a GetSecretValue (billed, and throttled per account, so a flood
 * could starve the other functions' reads). One re-read per second per container still picks up
 * a rotation at once: Mark ID resends a refused delivery every 0.5 s, so a delivery refused
 * inside the interval is accepted on its resend. A failed read starts no interval: the next
 * mismatch tries again rather than refusing a rotated key because Secrets Manager blinked.
 */
export function createSigningKeySource(options: SigningKeySourceOptions): SigningKeySource {
  const { credentials } = options;
  const minIntervalMs = options.minRefreshIntervalMs ?? DEFAULT_SIGNING_KEY_REFRESH_INTERVAL_MS;
  const now = options.now ?? Date.now;
  let lastReadAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<Result<string, CredentialsError>> | undefined;

  return {
    current() {
      return credentials.get().map((secret) => secret.webhookSigningKey);
    },
    refreshAfterMismatch() {
      if (inFlight !== undefined) return new ResultAsync(inFlight).map((key): string | null => key);
      if (now() - lastReadAt < minIntervalMs) return okAsync(null);
      // Settled through match so the slot is cleared however the read ends (as the provider does).
      inFlight = credentials.refresh().match(
        ({ secret }): Result<string, CredentialsError> => {
          lastReadAt = now();
          inFlight = undefined;
          return ok(secret.webhookSigningKey);
        },
        (error): Result<string, CredentialsError> => {
          inFlight = undefined;
          return err(error);
        },
      );
      return new ResultAsync(inFlight).map((key): string | null => key);
    },
  };
}
