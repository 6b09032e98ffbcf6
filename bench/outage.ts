import type { FigureResult } from "./report";
import { requestBody, startStartVerificationBench } from "./support/start-verification";

/**
 * Mark ID calls per request during a full outage, once the retry budget has drained: every token
 * call answers a gateway's 503 page; one container runs the real handler with the deployed retry
 * settings (RETRY_MAX_ATTEMPTS 4, RETRY_BUDGET 20, full-jitter backoff). First batches until the
 * budget is below one retry, then BATCHES × 10 fresh requests, counted at the simulator.
 * Goal: ≤ 1.1 calls per request — a failing Mark ID gets one call per event, not four.
 *
 * The rate limit is set out of the way: at 1.4 calls/s per container the figure would take
 * minutes and measure the limiter, not the budget.
 */

const GOAL = 1.1;
const BATCHES = 10;
const BATCH_SIZE = 10;
const TOKEN_PATH = "/api/v2/token";

export async function run(): Promise<FigureResult[]> {
  const bench = await startStartVerificationBench();
  try {
    const container = await bench.newContainer({ MARKID_RATE_LIMIT_PER_HOUR: "360000000" });
    await bench.simulator.injectFault({
      fault: { type: "html-5xx", status: 503 },
      fraction: 1,
      path: TOKEN_PATH,
    });

    // Draining: bounded by the budget's capacity (each record spends at least one retry while
    // any is left), with a cap in case it never drains.
    let drainRecords = 0;
    for (let batch = 0; container.deps.budget.available() >= 1 && batch < 20; batch += 1) {
      await container.invoke(
        Array.from({ length: BATCH_SIZE }, (_, index) => requestBody(`drain-${batch}-${index}`)),
      );
      drainRecords += BATCH_SIZE;
    }
    const drainCalls = (await bench.simulator.requests()).filter(
      (request) => request.path === TOKEN_PATH,
    ).length;
    await bench.simulator.clearRequests();

    let givenBack = 0;
    for (let batch = 0; batch < BATCHES; batch += 1) {
      const invocation = await container.invoke(
        Array.from({ length: BATCH_SIZE }, (_, index) => requestBody(`outage-${batch}-${index}`)),
      );
      givenBack += invocation.givenBack;
    }
    const requests = BATCHES * BATCH_SIZE;
    const calls = (await bench.simulator.requests()).filter((request) => request.path === TOKEN_PATH).length;
    await bench.simulator.clearFaults();
    const perRequest = calls / requests;
    return [
      {
        figure: "Mark ID calls per request in a full outage, budget drained",
        measured: perRequest.toFixed(2),
        goal: `≤ ${GOAL.toFixed(1)}`,
        verdict: perRequest <= GOAL && givenBack === requests ? "pass" : "miss",
        detail:
          `${calls} token calls for ${requests} requests (${givenBack} given back to the queue) after ` +
          `${drainRecords} requests drained the budget with ${drainCalls} calls ` +
          `(${(drainCalls / Math.max(1, drainRecords)).toFixed(2)} per request while it lasted)`,
      },
    ];
  } finally {
    await bench.close();
  }
}
