import { SQSClient } from "@aws-sdk/client-sqs";
import { setImmediate } from "node:timers/promises";
import { createAwsClients } from "../lib/aws/clients";
import { parseConfig } from "../lib/config";
import { reconcileSessions, type ReconcileSummary } from "../lib/flows/reconcile-sessions";
import { reconcilerRateLimiter } from "../lib/resilience/rate-limiter";
import { createDependencies } from "../lib/runtime/dependencies";
import { localAwsClientConfig } from "../local/aws/index";
import { FUNCTIONS, RECONCILE_RATE_SECONDS } from "../local/stack/functions";
import { percent, type FigureResult } from "./report";
import { startLocalAwsProcess } from "./support/local-aws-process";
import {
  SIMULATOR_CREDENTIALS,
  startSimulatorProcess,
  type SimulatorProcess,
} from "./support/simulator-process";
import { runConcurrently } from "./support/stats";

/**
 * The reconciler's share of Mark ID's rate limit (design.md §4.4: its own limiter at 10 % of
 * MARKID_RATE_LIMIT_PER_HOUR, the request consumers keeping 90 %). The real flow
 * (lib/flows/reconcile-sessions, as functions/reconcile-sessions.ts runs it) over a container's
 * real dependencies with the deployed defaults (10,000/h, RECONCILE_MAX_PER_RUN 100, its own
 * reconcilerRateLimiter) against the simulator and local AWS (each in a process of its own), for
 * one hour of runs at the deployed schedule: RUNS runs, RECONCILE_RATE_SECONDS apart. SESSIONS
 * sessions in progress (tokens at the simulator nobody finished), enough for every run to find its
 * full 100 due: the schedule's worst case.
 *
 * A paced run waits about 3.6 s between calls, 5.5 minutes a run. So that the figure takes seconds,
 * the limiter's clock and sleep, the flow's clock (due times, rescheduling), its deadline and its
 * backoff sleep run on a virtual clock: real time plus every sleep skipped, and the jumps between
 * runs. Every call still goes to the simulator (counted there). Each call's time on that clock is
 * what is measured. Goals: ≤ 10 % of the limit in any hour, and inside a run the paced rate ≤ 10 %
 * too. The limiter's burst (10 calls back to back at a run's start) is taken out of the hour's
 * share by design (rate-limiter.ts): windows shorter than an hour that hold the burst run above
 * 10 %, and the detail says by how much.
 */

const SESSIONS = 400;
const RUNS = 3600 / RECONCILE_RATE_SECONDS;
const HOUR_MS = 3_600_000;
/** A gap shorter than this between two calls of a run is the limiter's burst, not its pacing. */
const BURST_GAP_MS = 1_000;
/** Gaps between paced calls the peak rate is taken over (a single gap jitters with the calls' own time). */
const PACED_WINDOW = 10;
const STATUS_PATH = "/api/v2/status";
const SECRET = { ...SIMULATOR_CREDENTIALS, webhookSigningKey: "bench-webhook-signing-key" };

export async function run(): Promise<FigureResult[]> {
  process.env.POWERTOOLS_SERVICE_NAME ??= "markid-serverless";
  const [simulator, aws] = await Promise.all([startSimulatorProcess(), startLocalAwsProcess(SECRET)]);
  const clientConfig = localAwsClientConfig(aws.url, aws.region);
  const awsClients = createAwsClients(clientConfig);
  const sqs = new SQSClient(clientConfig);
  try {
    await simulator.setTokenBalance(1_000_000);
    const scanRefs = await createSessions(simulator, SESSIONS);

    const clock = virtualClock();
    const config = parseConfig({
      ...aws.resources.environment,
      MARKID_BASE_URL: simulator.url,
      STAGE: "bench",
    })._unsafeUnwrap();
    const deps = createDependencies(config, {
      aws: awsClients,
      sqs,
      now: clock.now,
      limiter: reconcilerRateLimiter(config, { now: clock.now, sleep: clock.sleep }),
    });
    // As start-verification tracks them; their tokens expired an hour ago, so all are due.
    const tokenExpiresAtMs = clock.now() - HOUR_MS;
    await runConcurrently(scanRefs.length, 8, async (index) => {
      const scanRef = scanRefs[index]!;
      await deps.openSessions
        .track(
          { scanRef, requestId: `bench-${scanRef}`, clientId: "bench", tokenExpiresAtMs },
          {
            reconcileAfterSeconds: config.RECONCILE_AFTER_SECONDS,
            retentionSeconds: config.RECONCILE_GIVE_UP_SECONDS + 86_400,
          },
        )
        .match(
          () => undefined,
          (error) => {
            throw new Error(`tracking a session failed: ${JSON.stringify(error)}`);
          },
        );
    });
    await simulator.clearRequests();

    const timeoutMs = FUNCTIONS.reconcileSessions.timeoutSeconds * 1000;
    const firstRunAt = clock.now();
    const runs: { readonly summary: ReconcileSummary; readonly calls: number[]; readonly endedAt: number }[] =
      [];
    for (let index = 0; index < RUNS; index += 1) {
      const startsAt = firstRunAt + index * RECONCILE_RATE_SECONDS * 1000;
      clock.advanceTo(startsAt);
      const calls: number[] = [];
      const summary = await reconcileSessions(deps, {
        remainingTimeMs: () => timeoutMs - (clock.now() - startsAt),
        sleep: clock.sleep,
        // Told after each call: its start on the virtual clock.
        observer: { onAttempt: (info) => calls.push(clock.now() - info.durationMs) },
      });
      runs.push({ summary, calls, endedAt: clock.now() - startsAt });
    }

    const limit = config.MARKID_RATE_LIMIT_PER_HOUR;
    const share = limit * 0.1;
    const all = runs.flatMap((r) => r.calls).sort((a, b) => a - b);
    const atSimulator = (await simulator.requests()).filter((request) => request.path === STATUS_PATH).length;
    const busiestHour = Math.max(
      0,
      ...all.map((start) => all.filter((t) => t >= start && t < start + HOUR_MS).length),
    );

    const paced = runs.map((r) => pacing(r.calls));
    const pacedPerHour = Math.max(...paced.map((p) => p.perHour));
    const burst = Math.max(...paced.map((p) => p.burst));
    const firstMinute = Math.max(...runs.map((r) => r.calls.filter((t) => t < r.calls[0]! + 60_000).length));
    const longest = runs.reduce((a, b) => (b.endedAt > a.endedAt ? b : a));
    const wholeRunPerHour = (longest.calls.length / longest.endedAt) * HOUR_MS;
    const asked = runs.map((r) => r.summary.asked);
    const stopped = runs
      .filter((r) => r.summary.stoppedEarly !== undefined)
      .map((r) => r.summary.stoppedEarly);
    const counted = atSimulator === all.length ? "" : ` (the simulator counted ${atSimulator})`;
    const fmt = (n: number) => Math.round(n).toLocaleString("en");

    return [
      {
        figure: "reconciler's status calls in an hour of scheduled runs, share of the limit",
        measured: percent(busiestHour / limit),
        goal: "≤ 10 %",
        verdict: busiestHour <= share && busiestHour > 0 && atSimulator === all.length ? "pass" : "miss",
        detail:
          `${busiestHour} status calls in the busiest 60 minutes against ${fmt(limit)}/h (10 %: ${fmt(share)}); ` +
          `${RUNS} runs ${RECONCILE_RATE_SECONDS / 60} minutes apart of the real flow and dependencies, ` +
          `deployed defaults, over ${SESSIONS} sessions in progress; each run asked ${asked.join(", ")} ` +
          `(RECONCILE_MAX_PER_RUN ${config.RECONCILE_MAX_PER_RUN})${counted}` +
          (stopped.length > 0 ? `; runs stopped early: ${stopped.join(", ")}` : "") +
          `; the limiter's and the flow's clock virtual (sleeps skipped), the calls real`,
      },
      {
        figure: "reconciler's paced rate inside a run, share of the limit",
        measured: percent(pacedPerHour / limit),
        goal: "≤ 10 %",
        verdict: pacedPerHour <= share && pacedPerHour > 0 ? "pass" : "miss",
        detail:
          `after a burst of ${burst} calls back to back, one call every ` +
          `${(HOUR_MS / pacedPerHour / 1000).toFixed(2)} s over the fastest ${PACED_WINDOW} gaps of any run ` +
          `(${fmt(pacedPerHour)}/h); ` +
          `burst included, a run's first minute holds ${firstMinute} calls ` +
          `(${percent((firstMinute * 60) / limit)} of the limit over that minute) and the longest run ` +
          `${longest.calls.length} calls in ${(longest.endedAt / 1000).toFixed(0)} s of its ` +
          `${timeoutMs / 1000} s timeout (${percent(wholeRunPerHour / limit)}); times on the virtual clock; ` +
          `by construction (rate-limiter.ts) any hour holds at most the burst + the paced rate × 1 h = ${fmt(share)}`,
      },
    ];
  } finally {
    sqs.destroy();
    awsClients.secretsManager.destroy();
    awsClients.sns.destroy();
    awsClients.dynamodb.destroy();
    await Promise.all([simulator.close(), aws.close()]);
  }
}

/**
 * A virtual clock: real time plus every sleep skipped and every jump ahead. What runs on it sees
 * time pass as it would have, the waits taking no real time.
 */
function virtualClock() {
  let offset = 0;
  const now = () => Date.now() + offset;
  return {
    now,
    sleep: async (ms: number) => {
      offset += Math.max(0, ms);
      await setImmediate();
    },
    advanceTo: (at: number) => {
      offset += Math.max(0, at - now());
    },
  };
}

/**
 * The burst at a run's start (calls less than BURST_GAP_MS apart), and the paced rate after it at
 * its fastest: per hour, over any PACED_WINDOW consecutive gaps between the paced calls.
 */
function pacing(calls: readonly number[]): { readonly burst: number; readonly perHour: number } {
  let burst = calls.length > 0 ? 1 : 0;
  while (burst < calls.length && calls[burst]! - calls[burst - 1]! < BURST_GAP_MS) burst += 1;
  const paced = calls.slice(burst);
  let perHour = 0;
  for (let index = 0; index + PACED_WINDOW < paced.length; index += 1) {
    const span = paced[index + PACED_WINDOW]! - paced[index]!;
    perHour = Math.max(perHour, (PACED_WINDOW / span) * HOUR_MS);
  }
  return { burst, perHour };
}

/** Tokens at the simulator that nobody finishes (ACTIVE while the run lasts); their scanRefs. */
async function createSessions(simulator: SimulatorProcess, count: number): Promise<string[]> {
  const authorization = `Basic ${Buffer.from(`${SECRET.apiKey}:${SECRET.apiSecret}`).toString("base64")}`;
  const scanRefs: string[] = [];
  await runConcurrently(count, 8, async (index) => {
    const response = await fetch(`${simulator.url}/api/v2/token`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ clientId: `bench-reconcile-${index}` }),
    });
    const body = (await response.json()) as { scanRef?: unknown };
    if (!response.ok || typeof body.scanRef !== "string")
      throw new Error(`the simulator refused a token: ${response.status}`);
    scanRefs.push(body.scanRef);
  });
  return scanRefs;
}
