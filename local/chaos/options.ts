import * as z from "zod";

/** What a chaos run does; every value has a default sized for the full run (10,000 requests). */
export interface ChaosOptions {
  /** Distinct verification requests (requestIds). */
  readonly requests: number;
  /** Seeds the request mix and the duplicate schedule (the simulator's fault draws are not seeded). */
  readonly seed: number;
  /** Share of POST /api/v2/token calls answered with an injected fault. */
  readonly faultShare: number;
  /** Share of requests sent a second time (duplicate deliveries). */
  readonly duplicateShare: number;
  /** Share of accepted result webhooks resent on purpose, signed, to check their deduplication. */
  readonly webhookResendShare: number;
  /** Concurrent invocations of start-verification (the event source's maximum concurrency). */
  readonly pollers: number;
  /** Records of one batch processed at once (Config BATCH_CONCURRENCY). */
  readonly batchConcurrency: number;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  /** Config MARKID_TIMEOUT_MS: also sets how long the latency fault holds a call. */
  readonly markIdTimeoutMs: number;
  /** Length of each AWS outage (results queue, Secrets Manager, SNS, DynamoDB): past Mark ID's resends. */
  readonly outageMs: number;
  /** Result webhooks lost outright with their resends (reconciliation must deliver them). */
  readonly droppedWebhooks: number;
  /** The tokens' expiryTime: sessions nobody finishes end as EXPIRED, and are reconciled, within the run. */
  readonly tokenExpirySeconds: number;
  /** How long the token balance stays at 0 after the token-limit alert fired. */
  readonly exhaustionHoldMs: number;
  /** Messages waiting in the request queue at most (the feeder waits above it). */
  readonly backlog: number;
  /** The run gives up (and reports unfinished requests) after this long. */
  readonly maxWallMs: number;
  /** Config MARKID_TOKEN_UNKNOWN_OUTCOME. */
  readonly unknownOutcome: "redeliver" | "fail";
  /** Pause between the simulator's webhook resends (Mark ID: 500 ms, 3 resends). */
  readonly webhookRetryIntervalMs: number;
  /** Share of the people with a session who are erased during the run (erasures.ts). */
  readonly erasureShare: number;
}

export const DEFAULT_CHAOS_OPTIONS: ChaosOptions = {
  requests: 10_000,
  seed: 20_240_601,
  faultShare: 0.35,
  duplicateShare: 0.05,
  webhookResendShare: 0.03,
  pollers: 16,
  batchConcurrency: 10,
  visibilityTimeoutSeconds: 4,
  // 10 receives × 4 s: a request given back through a whole 30 s outage still has tries left.
  maxReceiveCount: 10,
  markIdTimeoutMs: 800,
  outageMs: 30_000,
  droppedWebhooks: 20,
  tokenExpirySeconds: 20,
  exhaustionHoldMs: 1000,
  backlog: 400,
  maxWallMs: 15 * 60_000,
  unknownOutcome: "redeliver",
  webhookRetryIntervalMs: 500,
  erasureShare: 0.02,
};

const share = z.coerce.number().min(0).max(1);
const positive = z.coerce.number().int().positive();

const overrides = z
  .object({
    requests: positive,
    seed: z.coerce.number().int(),
    faultShare: share,
    duplicateShare: share,
    webhookResendShare: share,
    pollers: positive.max(200),
    batchConcurrency: positive.max(10),
    visibilityTimeoutSeconds: positive.max(43_200),
    maxReceiveCount: positive.max(1000),
    markIdTimeoutMs: positive,
    outageMs: positive,
    droppedWebhooks: z.coerce.number().int().min(0),
    tokenExpirySeconds: positive,
    exhaustionHoldMs: positive,
    backlog: positive,
    maxWallMs: positive,
    unknownOutcome: z.enum(["redeliver", "fail"]),
    webhookRetryIntervalMs: positive,
    erasureShare: share,
  })
  .partial()
  .strict();

/** `--requests 500 --fault-share 0.4`, or CHAOS_REQUESTS=500 in the environment (flags win). */
export function parseChaosArguments(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): { ok: true; options: ChaosOptions; writeDocs: boolean } | { ok: false; problem: string } {
  const given: Record<string, string> = {};
  if (env["CHAOS_REQUESTS"]) given["requests"] = env["CHAOS_REQUESTS"];
  let writeDocs = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--write-docs") {
      writeDocs = true;
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match === null) return { ok: false, problem: `unexpected argument ${arg}` };
    const name = (match[1] ?? "").replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const value = match[2] ?? argv[++i];
    if (value === undefined) return { ok: false, problem: `--${match[1]} needs a value` };
    given[name] = value;
  }
  const parsed = overrides.safeParse(given);
  if (!parsed.success) return { ok: false, problem: z.prettifyError(parsed.error) };
  const defined = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
  return { ok: true, options: { ...DEFAULT_CHAOS_OPTIONS, ...defined }, writeDocs };
}

/** Where the defaults start: past the longest option (--visibility-timeout-seconds <value>). */
const HELP_COLUMN = 40;

/** `npm run chaos -- --help`: every option with its default, named as on the command line. */
export function chaosUsage(): string {
  const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const lines = Object.entries(DEFAULT_CHAOS_OPTIONS).map(
    ([name, value]) => `  --${kebab(name)} <value>`.padEnd(HELP_COLUMN) + `default ${String(value)}`,
  );
  return [
    "usage: npm run chaos -- [--option value ...] [--write-docs]",
    "",
    ...lines,
    "  --write-docs".padEnd(HELP_COLUMN) + "write the figures into docs/reliability.md",
    "",
    "CHAOS_REQUESTS in the environment sets --requests (the flag wins).",
  ].join("\n");
}
