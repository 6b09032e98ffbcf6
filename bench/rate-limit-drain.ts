import { RECONCILER_RATE_SHARE } from "../lib/resilience/rate-limiter";
import { percent, type FigureResult } from "./report";
import { requestBody, startStartVerificationBench, type Container } from "./support/start-verification";

/**
 * Draining a backlog against the configured partner rate limit, with the simulator enforcing
 * that limit: two containers (MARKID_MAX_CONTAINERS, the queue's maximum concurrency) each run
 * the real handler over batches of 10 taken from one shared backlog, as the SQS event source
 * would hand them out, until it is empty; a record given back goes to the end of the backlog, as
 * a redelivery would. Goal: tokens created at ≥ 95 % of the consumers' part of the limit (all of
 * it but the reconciler's share, RECONCILER_RATE_SHARE), and zero 429s.
 *
 * Scaled up from Mark ID's 10,000 requests per hour (2.8/s) to 90,000 (25/s), so the figure
 * drains its backlog in ~15 s instead of ~2.5 min; each container's limiter takes half of that part, as
 * deployed. The rate is measured at the simulator, from its request log: (tokens − 1) over the
 * time from the first token request to the last.
 */

const GOAL = 0.95;
const LIMIT_PER_HOUR = 90_000;
const LIMIT_PER_SECOND = LIMIT_PER_HOUR / 3600;
/** What the queue consumers may use: the rest is kept for the reconciler (lib/resilience/rate-limiter.ts). */
const CONSUMERS_PER_SECOND = LIMIT_PER_SECOND * (1 - RECONCILER_RATE_SHARE);
const CONTAINERS = 2;
const BACKLOG = 375;
const BATCH_SIZE = 10;
const TOKEN_PATH = "/api/v2/token";

export async function run(): Promise<FigureResult[]> {
  const bench = await startStartVerificationBench();
  try {
    const env = {
      MARKID_RATE_LIMIT_PER_HOUR: String(LIMIT_PER_HOUR),
      MARKID_MAX_CONTAINERS: String(CONTAINERS),
    };
    const containers: Container[] = [];
    for (let index = 0; index < CONTAINERS; index += 1) containers.push(await bench.newContainer(env));
    // The limit is enforced from here on; the containers' warm-up (a secret read) made no Mark ID call.
    await bench.simulator.clearRequests();
    await bench.simulator.setRateLimit(LIMIT_PER_SECOND);

    const backlog: unknown[] = Array.from({ length: BACKLOG }, (_, index) => requestBody(`drain-${index}`));
    let givenBack = 0;
    let invocations = 0;
    const drain = async (container: Container): Promise<void> => {
      // Bounded: every invocation takes at least one record off, and a record comes back only
      // when given back; the cap stops a run that would otherwise go round for ever.
      while (backlog.length > 0 && invocations < BACKLOG * 3) {
        const batch = backlog.splice(0, BATCH_SIZE);
        invocations += 1;
        const invocation = await container.invoke(batch);
        givenBack += invocation.givenBack;
        // Which records were given back does not matter for the rate: requeue as many fresh ones.
        for (let index = 0; index < invocation.givenBack; index += 1)
          backlog.push(requestBody("redelivered"));
      }
    };
    await Promise.all(containers.map(drain));
    await bench.simulator.setRateLimit(null);

    const tokenCalls = (await bench.simulator.requests()).filter((request) => request.path === TOKEN_PATH);
    const created = tokenCalls.filter((request) => request.status === 200 || request.status === 201);
    const tooMany = tokenCalls.filter((request) => request.status === 429).length;
    const first = created[0]?.at ?? 0;
    const last = created.at(-1)?.at ?? 0;
    const ratePerSecond =
      created.length > 1 && last > first ? ((created.length - 1) * 1000) / (last - first) : 0;
    const fraction = ratePerSecond / CONSUMERS_PER_SECOND;
    return [
      {
        figure: "backlog drain rate vs the consumers' part of the partner rate limit",
        measured: percent(fraction),
        goal: `≥ ${percent(GOAL, 0)}`,
        verdict: fraction >= GOAL && tooMany === 0 ? "pass" : "miss",
        detail:
          `${created.length} tokens in ${((last - first) / 1000).toFixed(1)} s = ${ratePerSecond.toFixed(2)}/s against ` +
          `${CONSUMERS_PER_SECOND.toFixed(2)}/s (${percent(1 - RECONCILER_RATE_SHARE, 0)} of ${LIMIT_PER_HOUR.toLocaleString("en")}/h, simulator enforcing the whole), ` +
          `${CONTAINERS} containers, batches of ${BATCH_SIZE}, ${invocations} invocations, ${givenBack} records given back`,
      },
      {
        figure: "429s while draining the backlog",
        measured: String(tooMany),
        goal: "0",
        verdict: tooMany === 0 ? "pass" : "miss",
        detail: `${tokenCalls.length} token calls at the simulator, ${tooMany} answered 429`,
      },
    ];
  } finally {
    await bench.close();
  }
}
