import { okAsync, type ResultAsync } from "neverthrow";
import type { CredentialsError, CredentialsProvider } from "../aws/credentials";
import { singleFlight } from "../aws/single-flight";

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
  const reread = singleFlight(() =>
    credentials.refresh().map(({ secret }) => {
      lastReadAt = now();
      return secret.webhookSigningKey;
    }),
  );

  return {
    current() {
      return credentials.get().map((secret) => secret.webhookSigningKey);
    },
    refreshAfterMismatch() {
      // A mismatch while a re-read is in flight joins it; otherwise at most one per interval.
      if (!reread.running() && now() - lastReadAt < minIntervalMs) return okAsync(null);
      return reread.call().map((key): string | null => key);
    },
  };
}
