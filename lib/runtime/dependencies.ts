import type { ResultAsync } from "neverthrow";
import { createAlerter, type Alerter } from "../aws/alerts";
import { createAlertStateStore, type AlertStateStore } from "../aws/alert-state";
import { awsClients, type AwsClients } from "../aws/clients";
import {
  createCredentialsProvider,
  describeCredentialsError,
  toMarkIdCredentialsSource,
  type CredentialsProvider,
  type MarkIdApiCredentials,
} from "../aws/credentials";
import { createDeliveryStore, type DeliveryStore } from "../aws/delivery-store";
import { createNotifier, type Notifier } from "../aws/notifier";
import { createSessionStore, type SessionStore } from "../aws/session-store";
import { createStateTable } from "../aws/state-table";
import { loadConfig, type Config } from "../config";
import { rateLimiterFromConfig, type RateLimiter } from "../resilience/rate-limiter";
import {
  retryBudgetFromConfig,
  retrySettingsFromConfig,
  type RetrySettings,
} from "../resilience/retry-config";
import type { RetryBudget } from "../resilience/retry-budget";
import { createMarkIdTransport } from "../markid/connection";
import type { MarkIdError } from "../markid/errors";
import type { Transport } from "../markid/transport";

/**
 * Everything a handler needs, built once per Lambda container: SDK clients keep their
 * connections, the credentials cache and the retry budget and rate limiter are per container
 * by design (design.md §3). Tests build their own with `createDependencies` and overrides.
 */
export interface Dependencies {
  readonly config: Config;
  readonly aws: AwsClients;
  readonly credentials: CredentialsProvider;
  /**
   * Mark ID's transport, not the full client: each flow calls the endpoints it uses over it, so
   * each handler's bundle carries (and its cold init builds) only those endpoints' zod schemas.
   */
  readonly markIdTransport: Transport;
  readonly notifier: Notifier;
  readonly sessions: SessionStore;
  readonly deliveries: DeliveryStore;
  readonly alertState: AlertStateStore;
  readonly alerter: Alerter;
  readonly retry: RetrySettings;
  readonly budget: RetryBudget;
  readonly limiter: RateLimiter;
  /** Re-reads the key pair after an UNAUTHORIZED reply; shared by concurrent callers. */
  readonly refreshCredentials: (
    used?: MarkIdApiCredentials,
  ) => ResultAsync<{ readonly changed: boolean }, MarkIdError>;
  readonly now: () => number;
}

export interface DependencyOverrides {
  readonly aws?: AwsClients;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly limiter?: RateLimiter;
  readonly budget?: RetryBudget;
}

export function createDependencies(config: Config, overrides: DependencyOverrides = {}): Dependencies {
  const aws = overrides.aws ?? awsClients();
  const now = overrides.now ?? Date.now;
  const credentials = createCredentialsProvider({
    client: aws.secretsManager,
    secretId: config.MARKID_SECRET_ID,
    ttlSeconds: config.CREDENTIALS_CACHE_TTL_SECONDS,
    now,
  });
  const markIdTransport = createMarkIdTransport({
    baseUrl: config.MARKID_BASE_URL,
    credentials: toMarkIdCredentialsSource(credentials),
    timeoutMs: config.MARKID_TIMEOUT_MS,
    ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
  });
  const notifier = createNotifier({
    client: aws.sns,
    eventsTopicArn: config.EVENTS_TOPIC_ARN,
    alertsTopicArn: config.ALERTS_TOPIC_ARN,
  });
  const table = createStateTable({ client: aws.dynamodb, tableName: config.STATE_TABLE });
  const alertState = createAlertStateStore({ table });
  return {
    config,
    aws,
    credentials,
    markIdTransport,
    notifier,
    sessions: createSessionStore({ table }),
    deliveries: createDeliveryStore({ table, now }),
    alertState,
    alerter: createAlerter({
      state: alertState,
      notifier,
      stage: config.STAGE,
      windowSeconds: config.ALERT_WINDOW_SECONDS,
      now,
    }),
    retry: retrySettingsFromConfig(config),
    budget: overrides.budget ?? retryBudgetFromConfig(config),
    limiter: overrides.limiter ?? rateLimiterFromConfig(config),
    refreshCredentials: (used) =>
      credentials
        .refresh(used)
        .map(({ changed }) => ({ changed }))
        .mapErr((error): MarkIdError => ({
          kind: "credentials-unavailable",
          message: describeCredentialsError(error),
        })),
    now,
  };
}

/** The dependencies the deployed functions run on: configuration from the environment. */
export function dependenciesFromEnvironment(): Dependencies {
  return createDependencies(loadConfig());
}
