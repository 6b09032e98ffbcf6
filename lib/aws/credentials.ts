import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { okAsync, type ResultAsync } from "neverthrow";
import type { CredentialsUnavailableError, MarkIdError } from "../markid/errors";
import { describeAwsError, fromAwsPromise, type AwsError } from "./aws-error";
import { singleFlight } from "./single-flight";
import { parseMarkIdSecret, type MarkIdSecret, type SecretMalformedError } from "./markid-secret";

export type { MarkIdSecret } from "./markid-secret";

export type CredentialsError = AwsError | SecretMalformedError;

/** The key pair the Mark ID client authenticates with. */
export interface MarkIdApiCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
}

interface RefreshedSecret {
  readonly secret: MarkIdSecret;
  /**
   * Whether Secrets Manager now holds a different version than the caller had (by VersionId;
   * by the key pair when a version id is missing or the caller passed the pair it used). After
   * an UNAUTHORIZED reply, `true` makes one retry worthwhile; `false` means the stored
   * credentials themselves are rejected.
   */
  readonly changed: boolean;
}

export interface CredentialsProvider {
  /** The cached secret while fresh (TTL), otherwise one GetSecretValue shared by all concurrent callers. */
  get(): ResultAsync<MarkIdSecret, CredentialsError>;
  /**
   * Reads the secret again, bypassing the cache; concurrent callers (and a concurrent `get`)
   * share one GetSecretValue. Pass the key pair that was rejected, when known, so `changed`
   * is judged against what the caller actually used rather than against the cache.
   */
  refresh(used?: MarkIdApiCredentials): ResultAsync<RefreshedSecret, CredentialsError>;
}

export interface CredentialsProviderOptions {
  readonly client: SecretsManagerClient;
  readonly secretId: string;
  /** How long a read secret is served from memory (default 300 s). */
  readonly ttlSeconds?: number;
  /** Clock in epoch milliseconds; injected by tests. */
  readonly now?: () => number;
}

interface Loaded {
  readonly secret: MarkIdSecret;
  readonly versionId: string | undefined;
  readonly loadedAt: number;
}

/*
 * Hand-written rather than Powertools Parameters (getSecret with maxAge/forceFetch): Parameters
 * does not share one in-flight request between concurrent callers (a burst after a 401 would
 * send one GetSecretValue per record) and returns only the value, not the VersionId, so a
 * refresh could not say whether the secret changed. The cache below is those two things and
 * nothing more.
 */
export function createCredentialsProvider(options: CredentialsProviderOptions): CredentialsProvider {
  const { client, secretId } = options;
  const ttlMs = (options.ttlSeconds ?? 300) * 1000;
  const now = options.now ?? Date.now;

  let current: Loaded | undefined;

  // One read shared by every concurrent caller; a failure is not cached.
  const load = singleFlight((): ResultAsync<Loaded, CredentialsError> =>
    fromAwsPromise("secretsmanager", "GetSecretValue", () =>
      client.send(new GetSecretValueCommand({ SecretId: secretId })),
    ).andThen((output) =>
      parseMarkIdSecret(output.SecretString).map((secret): Loaded => {
        current = { secret, versionId: output.VersionId, loadedAt: now() };
        return current;
      }),
    ),
  );

  return {
    get() {
      if (current !== undefined && now() - current.loadedAt < ttlMs) return okAsync(current.secret);
      return load.call().map((loaded) => loaded.secret);
    },
    refresh(used) {
      const baseline = current;
      return load
        .call()
        .map((loaded) => ({ secret: loaded.secret, changed: hasChanged(loaded, baseline, used) }));
    },
  };
}

function hasChanged(
  loaded: Loaded,
  baseline: Loaded | undefined,
  used: MarkIdApiCredentials | undefined,
): boolean {
  if (used !== undefined) return !sameKeyPair(used, loaded.secret);
  if (baseline === undefined) return true;
  if (baseline.versionId !== undefined && loaded.versionId !== undefined) {
    return baseline.versionId !== loaded.versionId;
  }
  return !sameKeyPair(baseline.secret, loaded.secret);
}

const sameKeyPair = (a: MarkIdApiCredentials, b: MarkIdApiCredentials) =>
  a.apiKey === b.apiKey && a.apiSecret === b.apiSecret;

/** A log-safe line: the AWS failure or the names of the malformed fields. */
export function describeCredentialsError(error: CredentialsError): string {
  switch (error.kind) {
    case "aws":
      return describeAwsError(error);
    case "secret-malformed":
      return `Mark ID secret malformed: ${error.message}`;
  }
}

/** Where the Mark ID client gets its key pair: failures become its own `credentials-unavailable`. */
export type MarkIdCredentialsSource = () => ResultAsync<MarkIdApiCredentials, MarkIdError>;

export function toMarkIdCredentialsSource(provider: CredentialsProvider): MarkIdCredentialsSource {
  return () =>
    provider
      .get()
      .map(({ apiKey, apiSecret }): MarkIdApiCredentials => ({ apiKey, apiSecret }))
      .mapErr(
        (error): MarkIdError =>
          ({
            kind: "credentials-unavailable",
            message: describeCredentialsError(error),
          }) satisfies CredentialsUnavailableError,
      );
}
