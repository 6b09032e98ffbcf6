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
import { createResultsQueue, type ResultsQueue } from "../aws/results-queue";
import { sqsClient } from "../aws/sqs-client";
import { createResultSequence, type ResultSequence } from "../aws/result-sequence";
import { createOpenSessionStore, type OpenSessionStore } from "../aws/open-sessions";
import { createDueDeletionStore, type DueDeletionStore } from "../aws/due-deletions";
import { createErasedClients, type ErasedClients } from "../aws/erased-clients";
import { createErasureStore, type ErasureStore } from "../aws/erasures";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { loadConfig, requireResultsQueueUrl, type Config } from "../config";
import { rateLimiterFromConfig, reconcilerRateLimiter, type RateLimiter } from "../resilience/rate-limiter";
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
 * Everything any handler needs, built once per Lambda container: SDK clients keep their
 * connections, the credentials cache and the retry budget and rate limiter are per container
 * by design (design.md §3). Tests build it with `createDependencies` and overrides; a deployed
 * function builds only its own part (the `…Dependencies()` builders below).
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
  readonly resultsQueue: ResultsQueue;
  readonly sequence: ResultSequence;
  readonly openSessions: OpenSessionStore;
  readonly dueDeletions: DueDeletionStore;
  readonly erasures: ErasureStore;
  readonly erasedClients: ErasedClients;
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
  readonly sqs?: SQSClient;
}

/** What every function builds: configuration, clients, clock and the secret. */
interface Base {
  readonly config: Config;
  readonly aws: AwsClients;
  readonly now: () => number;
  readonly credentials: CredentialsProvider;
}

function base(config: Config, overrides: DependencyOverrides): Base {
  const aws = overrides.aws ?? awsClients();
  const now = overrides.now ?? Date.now;
  const credentials = createCredentialsProvider({
    client: aws.secretsManager,
    secretId: config.MARKID_SECRET_ID,
    ttlSeconds: config.CREDENTIALS_CACHE_TTL_SECONDS,
    now,
  });
  return { config, aws, now, credentials };
}

/** What calling Mark ID under the policy takes. */
function markIdCalls({ config, credentials }: Base, overrides: DependencyOverrides) {
  return {
    markIdTransport: createMarkIdTransport({
      baseUrl: config.MARKID_BASE_URL,
      credentials: toMarkIdCredentialsSource(credentials),
      timeoutMs: config.MARKID_TIMEOUT_MS,
      ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
    }),
    retry: retrySettingsFromConfig(config),
    budget: overrides.budget ?? retryBudgetFromConfig(config),
    limiter: overrides.limiter ?? rateLimiterFromConfig(config),
    refreshCredentials: (used?: MarkIdApiCredentials) =>
      credentials
        .refresh(used)
        .map(({ changed }) => ({ changed }))
        .mapErr((error): MarkIdError => ({
          kind: "credentials-unavailable",
          message: describeCredentialsError(error),
        })),
  };
}

const notifierOf = ({ config, aws }: Base): Notifier =>
  createNotifier({
    client: aws.sns,
    eventsTopicArn: config.EVENTS_TOPIC_ARN,
    alertsTopicArn: config.ALERTS_TOPIC_ARN,
  });

const tableOf = ({ config, aws }: Base) =>
  createStateTable({ client: aws.dynamodb, tableName: config.STATE_TABLE });

function alerterOf({ config, now }: Base, notifier: Notifier, state: AlertStateStore): Alerter {
  return createAlerter({
    state,
    notifier,
    stage: config.STAGE,
    windowSeconds: config.ALERT_WINDOW_SECONDS,
    now,
  });
}

/** The results queue, for the functions that send to it; a ConfigurationError without RESULTS_QUEUE_URL. */
const resultsQueueOf = ({ config }: Base, overrides: DependencyOverrides): ResultsQueue =>
  createResultsQueue({ client: overrides.sqs ?? sqsClient(), queueUrl: requireResultsQueueUrl(config) });

/** Everything, for tests and tools: one container that every flow accepts. */
export function createDependencies(config: Config, overrides: DependencyOverrides = {}): Dependencies {
  const parts = base(config, overrides);
  const notifier = notifierOf(parts);
  const table = tableOf(parts);
  const alertState = createAlertStateStore({ table });
  return {
    ...parts,
    ...markIdCalls(parts, overrides),
    notifier,
    sessions: createSessionStore({ table }),
    deliveries: createDeliveryStore({ table, now: parts.now }),
    alertState,
    alerter: alerterOf(parts, notifier, alertState),
    // Without RESULTS_QUEUE_URL (a test that never sends) a send fails as an AWS error.
    resultsQueue: createResultsQueue({
      client: overrides.sqs ?? sqsClient(),
      queueUrl: config.RESULTS_QUEUE_URL ?? "",
    }),
    sequence: createResultSequence({ table, now: parts.now }),
    openSessions: createOpenSessionStore({ table }),
    dueDeletions: createDueDeletionStore({ table }),
    erasures: createErasureStore({ table }),
    erasedClients: createErasedClients({ table }),
  };
}

/*
 * What each deployed function builds from its environment: only the parts its flow uses, so its
 * bundle carries, and its cold init runs, nothing else (the webhook calls no Mark ID endpoint and
 * keeps no session; the credential check keeps no session or delivery; the reconciler keeps no
 * session or delivery and publishes no event).
 */

export function startVerificationDependencies() {
  const parts = base(loadConfig(), {});
  const notifier = notifierOf(parts);
  const table = tableOf(parts);
  return {
    ...parts,
    ...markIdCalls(parts, {}),
    notifier,
    sessions: createSessionStore({ table }),
    openSessions: createOpenSessionStore({ table }),
    alerter: alerterOf(parts, notifier, createAlertStateStore({ table })),
  };
}

export function verificationWebhookDependencies() {
  const parts = base(loadConfig(), {});
  return { ...parts, resultsQueue: resultsQueueOf(parts, {}) };
}

export function publishVerificationResultDependencies() {
  const parts = base(loadConfig(), {});
  const table = tableOf(parts);
  return {
    ...parts,
    notifier: notifierOf(parts),
    deliveries: createDeliveryStore({ table, now: parts.now }),
    sequence: createResultSequence({ table, now: parts.now }),
    erasedClients: createErasedClients({ table }),
  };
}

export function checkCredentialsDependencies() {
  const parts = base(loadConfig(), {});
  const table = tableOf(parts);
  return {
    ...parts,
    ...markIdCalls(parts, {}),
    alerter: alerterOf(parts, notifierOf(parts), createAlertStateStore({ table })),
  };
}

export function reconcileSessionsDependencies() {
  const config = loadConfig();
  const parts = base(config, {});
  const table = tableOf(parts);
  const notifier = notifierOf(parts);
  return {
    ...parts,
    // Its own share of the account's rate, apart from the queue consumers' (rate-limiter.ts).
    ...markIdCalls(parts, { limiter: reconcilerRateLimiter(config) }),
    openSessions: createOpenSessionStore({ table }),
    dueDeletions: createDueDeletionStore({ table }),
    resultsQueue: resultsQueueOf(parts, {}),
    // verification.deleted, with retention at Mark ID on (delete-verifications).
    notifier,
    alerter: alerterOf(parts, notifier, createAlertStateStore({ table })),
  };
}

export function erasePersonDependencies() {
  const parts = base(loadConfig(), {});
  const table = tableOf(parts);
  return {
    ...parts,
    ...markIdCalls(parts, {}),
    erasures: createErasureStore({ table }),
    erasedClients: createErasedClients({ table }),
    // verification.erased.
    notifier: notifierOf(parts),
  };
}
