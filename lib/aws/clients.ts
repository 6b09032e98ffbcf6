import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient, type SNSClientConfig } from "@aws-sdk/client-sns";
import { defaultProvider } from "./credential-chain";

/** Static keys or a provider, as every SDK client accepts them. */
type AwsCredentialsInput = NonNullable<SNSClientConfig["credentials"]>;

/**
 * Settings for the SDK clients. Everything left out is resolved by the SDK the usual way:
 * region from AWS_REGION, endpoint from AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>
 * (LocalStack, the local stack), credentials from the Lambda role, attempts from
 * AWS_MAX_ATTEMPTS. Nothing here re-implements that resolution.
 */
export interface AwsClientSettings {
  /** Attempts per call including the first, for the SDK's standard retry strategy (SDK default: 3). */
  readonly maxAttempts?: number;
  /**
   * Time to wait for a reply once connected. The SDK's default is no limit: one stalled call
   * would hold the invocation until Lambda's timeout, so the factory sets one (5 s), and makes it
   * an error: without `throwOnRequestTimeout` the SDK only logs a warning when it passes and
   * keeps waiting.
   */
  readonly requestTimeoutMs?: number;
  /** Time to establish a connection (default 2 s). */
  readonly connectionTimeoutMs?: number;
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: AwsCredentialsInput;
}

export interface AwsClients {
  readonly secretsManager: SecretsManagerClient;
  readonly sns: SNSClient;
  readonly dynamodb: DynamoDBClient;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
const DEFAULT_CONNECTION_TIMEOUT_MS = 2_000;

/** The constructor input shared by the three clients, with only the settings actually given. */
export function awsClientConfig(settings: AwsClientSettings = {}) {
  return {
    requestHandler: {
      requestTimeout: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      connectionTimeout: settings.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    },
    // The SDK's chain, environment first without loading the rest (credential-chain.ts says
    // why). Named here so tests run the provider the deployed bundles run; serverless.yml's alias
    // then drops the SDK's own copy of the chain from the bundles.
    credentialDefaultProvider: defaultProvider,
    ...(settings.maxAttempts !== undefined ? { maxAttempts: settings.maxAttempts } : {}),
    ...(settings.region !== undefined ? { region: settings.region } : {}),
    ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials !== undefined ? { credentials: settings.credentials } : {}),
  };
}

/** New clients; for tests and tools. Handlers use `awsClients()` so a warm container reuses its connections. */
export function createAwsClients(settings: AwsClientSettings = {}): AwsClients {
  const config = awsClientConfig(settings);
  return {
    secretsManager: new SecretsManagerClient(config),
    sns: new SNSClient(config),
    dynamodb: new DynamoDBClient(config),
  };
}

let containerClients: AwsClients | undefined;

/**
 * The container's clients, created on first use and reused by every invocation (keep-alive
 * connections and cached credentials survive between invocations). Settings apply on the first
 * call only.
 */
export function awsClients(settings: AwsClientSettings = {}): AwsClients {
  containerClients ??= createAwsClients(settings);
  return containerClients;
}
