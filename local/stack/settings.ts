import * as z from "zod";
import { REQUEST_QUEUE, REQUEST_QUEUE_SOURCE } from "./functions";

/** Everything the local stack can be told; `startLocalStack` fills the rest with defaults. */
export interface LocalStackSettings {
  /** Port of the Mark ID simulator; 0 picks a free one. */
  readonly simulatorPort: number;
  /** Port of the built-in AWS gateway (Secrets Manager, SNS, SQS, DynamoDB); 0 picks a free one. */
  readonly awsPort: number;
  /** Port of the HTTP API that serves POST /markid/webhook; 0 picks a free one. */
  readonly webhookPort: number;
  /**
   * An AWS endpoint that is already running (LocalStack): used instead of the built-in gateway.
   * Read from AWS_ENDPOINT_URL, the variable the SDK itself honours.
   */
  readonly awsEndpoint?: string;
  readonly region: string;
  /** The serverless.yml stage whose resource names are used; `local` matches its `local` params. */
  readonly stage: string;
  /** serverless.yml says 190 s; locally short, so a returned message comes back while you watch. */
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  /** serverless.yml says 180 s; locally short, so a result given back (SNS down) is published soon after. */
  readonly resultsVisibilityTimeoutSeconds: number;
  /** serverless.yml says an hour; locally short, so a pending erasure (token not expired yet) is finished while you watch. */
  readonly erasuresVisibilityTimeoutSeconds: number;
  /** The results poller's batching window; short locally, so a result is published promptly. */
  readonly resultsBatchingWindowMs: number;
  /** The credential check runs once at start, then at this interval (serverless.yml: 15 minutes). */
  readonly credentialCheckIntervalSeconds: number;
  /** The reconciler runs once at start, then at this interval (serverless.yml: 15 minutes). */
  readonly reconcileIntervalSeconds: number;
  readonly batchSize: number;
  readonly batchingWindowMs: number;
  /** Invocations of startVerification at once, like the event source's maximumConcurrency. */
  readonly maxConcurrency: number;
  /** ReceiveMessage long poll, as Lambda's pollers use (20 s). */
  readonly receiveWaitSeconds: number;
  /** Mark ID simulator's token balance at start. */
  readonly tokenBalance: number;
  /** Pause between the simulator's webhook resends (Mark ID: 0.5 s). */
  readonly webhookRetryIntervalMs: number;
  /** Defaults for the handlers' environment (a variable set in process.env wins), e.g. the demo's rate limit. */
  readonly functionEnvironment: Readonly<Record<string, string>>;
}

export const DEFAULT_PORTS = { simulator: 8090, aws: 4566, webhook: 3000 } as const;

export const DEFAULT_SETTINGS: LocalStackSettings = {
  simulatorPort: DEFAULT_PORTS.simulator,
  awsPort: DEFAULT_PORTS.aws,
  webhookPort: DEFAULT_PORTS.webhook,
  region: "eu-west-1",
  stage: "local",
  visibilityTimeoutSeconds: 10,
  maxReceiveCount: REQUEST_QUEUE.maxReceiveCount,
  resultsVisibilityTimeoutSeconds: 5,
  erasuresVisibilityTimeoutSeconds: 30,
  resultsBatchingWindowMs: 100,
  credentialCheckIntervalSeconds: 60,
  reconcileIntervalSeconds: 60,
  batchSize: REQUEST_QUEUE_SOURCE.batchSize,
  batchingWindowMs: REQUEST_QUEUE_SOURCE.maximumBatchingWindowSeconds * 1000,
  maxConcurrency: REQUEST_QUEUE_SOURCE.maximumConcurrency,
  receiveWaitSeconds: 20,
  tokenBalance: 1000,
  webhookRetryIntervalMs: 500,
  functionEnvironment: {},
};

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

/** The environment variables `npm start` reads; each overrides one default. */
const environmentSchema = z.object({
  SIMULATOR_PORT: port.optional(),
  LOCAL_AWS_PORT: port.optional(),
  WEBHOOK_PORT: port.optional(),
  AWS_ENDPOINT_URL: z.url().optional(),
  AWS_REGION: z.string().min(1).optional(),
  LOCAL_STAGE: z
    .string()
    .regex(/^[a-zA-Z0-9-]+$/, "must be letters, digits and -")
    .optional(),
  LOCAL_VISIBILITY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(43_200).optional(),
  LOCAL_MAX_RECEIVE_COUNT: z.coerce.number().int().min(1).max(1000).optional(),
  LOCAL_MAX_CONCURRENCY: positiveInt.max(100).optional(),
  CREDENTIAL_CHECK_INTERVAL_SECONDS: positiveInt.optional(),
  RECONCILE_INTERVAL_SECONDS: positiveInt.optional(),
  SIMULATOR_TOKEN_BALANCE: z.coerce.number().int().min(0).optional(),
  LOCAL_SAMPLE_REQUEST: z.enum(["true", "false"]).optional(),
});

export const SETTINGS_VARIABLES = Object.keys(environmentSchema.shape);

/**
 * Settings from the environment. Empty values count as unset (as in lib/config.ts); a bad value
 * is an error naming the variable, so `npm start` stops before anything listens. `sampleRequest`
 * is `npm start`'s own: one request sent at start, so a new user sees the flow with no other step.
 */
export function settingsFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; settings: LocalStackSettings; sampleRequest: boolean } | { ok: false; problems: string[] } {
  const present = Object.fromEntries(
    SETTINGS_VARIABLES.map((name) => [name, env[name]]).filter(
      ([, value]) => value !== undefined && value !== "",
    ),
  ) as Record<string, string>;
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    };
  }
  const e = parsed.data;
  const d = DEFAULT_SETTINGS;
  return {
    ok: true,
    sampleRequest: e.LOCAL_SAMPLE_REQUEST !== "false",
    settings: {
      ...d,
      simulatorPort: e.SIMULATOR_PORT ?? d.simulatorPort,
      awsPort: e.LOCAL_AWS_PORT ?? d.awsPort,
      webhookPort: e.WEBHOOK_PORT ?? d.webhookPort,
      ...(e.AWS_ENDPOINT_URL === undefined ? {} : { awsEndpoint: e.AWS_ENDPOINT_URL }),
      region: e.AWS_REGION ?? d.region,
      stage: e.LOCAL_STAGE ?? d.stage,
      visibilityTimeoutSeconds: e.LOCAL_VISIBILITY_TIMEOUT_SECONDS ?? d.visibilityTimeoutSeconds,
      maxReceiveCount: e.LOCAL_MAX_RECEIVE_COUNT ?? d.maxReceiveCount,
      maxConcurrency: e.LOCAL_MAX_CONCURRENCY ?? d.maxConcurrency,
      credentialCheckIntervalSeconds: e.CREDENTIAL_CHECK_INTERVAL_SECONDS ?? d.credentialCheckIntervalSeconds,
      reconcileIntervalSeconds: e.RECONCILE_INTERVAL_SECONDS ?? d.reconcileIntervalSeconds,
      tokenBalance: e.SIMULATOR_TOKEN_BALANCE ?? d.tokenBalance,
    },
  };
}
