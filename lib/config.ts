import * as z from "zod/mini";
import { err, ok, type Result } from "neverthrow";
import { lazily } from "./lazily";

/**
 * The deployment's configuration, parsed once per container from the environment.
 * Every setting but the resource names has a default; see README "Configuration".
 */
const positiveInt = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.positive()), fallback);
const nonNegativeInt = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.nonnegative()), fallback);
const positiveNumber = (fallback: number) => z._default(z.coerce.number().check(z.positive()), fallback);

const required = () => z.string().check(z.minLength(1, "is required"));

/** The variables and their rules; a function, so nothing is built at load (bench/cold-init.ts). */
export const configShape = () => ({
  MARKID_BASE_URL: z._default(z.url("must be a URL"), "https://ivs.markid.eu"),
  MARKID_SECRET_ID: required(),
  EVENTS_TOPIC_ARN: required(),
  ALERTS_TOPIC_ARN: required(),
  STATE_TABLE: required(),
  STAGE: z._default(z.string().check(z.minLength(1)), "dev"),
  ALERT_WINDOW_SECONDS: positiveInt(3600),
  MARKID_SIGNATURE_HEADER: z._default(z.string().check(z.minLength(1)), "Idenfy-Signature"),
  /** Per-call timeout for Mark ID requests. */
  MARKID_TIMEOUT_MS: positiveInt(10_000),
  /** The account's rate limit (Mark ID/iDenfy default: 10,000 requests per hour). */
  MARKID_RATE_LIMIT_PER_HOUR: positiveNumber(10_000),
  /** How many containers may call Mark ID at once (the queue's maximum concurrency); each takes an equal share. */
  MARKID_MAX_CONTAINERS: positiveInt(2),
  /** What to do when POST /token times out or is reset after sending: see README "Unknown outcomes". */
  MARKID_TOKEN_UNKNOWN_OUTCOME: z._default(z.enum(["redeliver", "fail"]), "redeliver"),
  /** Read-only endpoint the credential check probes; never /api/v2/token. */
  MARKID_PROBE_PATH: z._default(
    z.string().check(z.regex(/^\/(?!api\/v2\/token\b)/, "must be a path other than /api/v2/token")),
    "/api/v2/status",
  ),
  CREDENTIALS_CACHE_TTL_SECONDS: positiveInt(300),
  RETRY_MAX_ATTEMPTS: positiveInt(4),
  RETRY_BASE_DELAY_MS: positiveInt(200),
  RETRY_RATE_LIMITED_BASE_DELAY_MS: positiveInt(2_000),
  RETRY_MAX_DELAY_MS: positiveInt(10_000),
  /** Retries a container may spend before it stops retrying (refilled by successes). */
  RETRY_BUDGET: positiveInt(20),
  /**
   * Records of one SQS batch processed at once. The default is the event source's batch size
   * (serverless.yml batchSize 10), so a batch costs about its slowest record rather than two of
   * them back to back; the rate limiter, not this, paces the Mark ID calls (bench/batch-size.ts).
   */
  BATCH_CONCURRENCY: positiveInt(10),
  WEBHOOK_MAX_BODY_BYTES: positiveInt(262_144),
  /**
   * The results queue (design.md §4.4). Only the webhook, the publisher and the reconciler use it,
   * so it is checked where their dependencies are built (requireResultsQueueUrl), not for every function.
   */
  RESULTS_QUEUE_URL: z.optional(z.string()),
  /** A session with no final result this long after its token expired is asked about. */
  RECONCILE_AFTER_SECONDS: nonNegativeInt(900),
  /** Status calls one reconciliation run may make. */
  RECONCILE_MAX_PER_RUN: positiveInt(100),
  /** A session still in progress this long after its token expired is given up (alarm). */
  RECONCILE_GIVE_UP_SECONDS: positiveInt(604_800),
  /**
   * Retention at Mark ID: a session's verification data is deleted there (POST /api/v2/delete)
   * this long after its final result was published. 0, the default, keeps it (README "Retention").
   */
  MARKID_RETENTION_SECONDS: nonNegativeInt(0),
});

/** Built when the configuration is first parsed (once per container). */
const configSchema = lazily(() => z.object(configShape()));

export type Config = z.infer<ReturnType<typeof configSchema>>;

export interface ConfigError {
  readonly kind: "config-invalid";
  /** One line per problem, naming the variable, never its value. */
  readonly problems: readonly string[];
  readonly message: string;
}

export function parseConfig(
  env: NodeJS.ProcessEnv | Record<string, string | undefined>,
): Result<Config, ConfigError> {
  // Empty strings count as unset, so `FOO=` in a shell falls back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = configSchema().safeParse(present);
  if (parsed.success) return ok(parsed.data);
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join(".");
    const reason =
      issue.code === "invalid_type" && present[name] === undefined ? "is required" : issue.message;
    return `${name} ${reason}`;
  });
  return err({
    kind: "config-invalid",
    problems,
    message: `invalid configuration: ${problems.join("; ")}`,
  });
}

/**
 * Thrown once per container, at its first invocation, when the environment is invalid: a
 * misconfigured deployment must fail loudly rather than process events wrongly. Its message
 * names every bad variable (never a value), so the invocation's error says what to fix.
 */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
  readonly problems: readonly string[];

  constructor(error: ConfigError) {
    super(error.message);
    this.problems = error.problems;
  }
}
// The bundles are minified: without this the class is named `ss`, and so is the errorType that
// `serverless invoke local` reports.
Object.defineProperty(ConfigurationError, "name", { value: "ConfigurationError" });

/** RESULTS_QUEUE_URL, for the functions that send to or read the results queue; else a ConfigurationError. */
export function requireResultsQueueUrl(config: Pick<Config, "RESULTS_QUEUE_URL">): string {
  const url = config.RESULTS_QUEUE_URL;
  if (url !== undefined && url !== "") return url;
  const problems = ["RESULTS_QUEUE_URL is required"];
  throw new ConfigurationError({
    kind: "config-invalid",
    problems,
    message: `invalid configuration: ${problems[0]}`,
  });
}

/** The container's configuration, or a ConfigurationError naming every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseConfig(env).match(
    (config) => config,
    (error) => {
      throw new ConfigurationError(error);
    },
  );
}
