import { times, ms, type FigureResult } from "./report";
import { requestBody, startStartVerificationBench, type Container } from "./support/start-verification";
import { pairedRatio } from "./support/stats";

/**
 * An SQS batch of 10 against a batch of 1, wall time of the real start-verification handler in a
 * warm container: each record claims its requestId in DynamoDB, creates a token at the simulator,
 * stores the session, publishes the event and marks it published. Goal: ≤ 1.5×, i.e. records of
 * a batch are processed concurrently and a batch costs little beyond its slowest record.
 *
 * The partner rate limit is set out of the way (the backlog figure measures that): at the
 * default 10,000/h over 2 containers a batch of 10 would wait ~7 s for the limiter alone.
 */

const GOAL = 1.5;
const ROUNDS = 21;

export async function run(): Promise<FigureResult[]> {
  const bench = await startStartVerificationBench();
  try {
    const container = await bench.newContainer({ MARKID_RATE_LIMIT_PER_HOUR: "360000000" });
    let label = 0;
    const batch = (size: number) => async () => {
      label += 1;
      const bodies = Array.from({ length: size }, (_, index) =>
        requestBody(`batch${size}-${label}-${index}`),
      );
      const invocation = await container.invoke(bodies);
      if (invocation.givenBack > 0)
        throw new Error(`${invocation.givenBack} of ${size} records were given back`);
      return invocation.wallMs;
    };
    await warmUp(container);
    const measured = await pairedRatio(ROUNDS, batch(1), batch(10));
    await bench.simulator.clearRequests();
    const concurrency = container.deps.config.BATCH_CONCURRENCY;
    return [
      {
        figure: "SQS batch of 10 vs batch of 1, wall time",
        measured: times(measured.ratio),
        goal: `≤ ${times(GOAL)}`,
        verdict: measured.ratio <= GOAL ? "pass" : "miss",
        detail:
          `median of ${measured.rounds} alternating rounds, real handler and SDK clients, warm container, ` +
          `BATCH_CONCURRENCY ${concurrency}; batch of 1 ${ms(measured.baselineMedianMs, 1)}, ` +
          `batch of 10 ${ms(measured.candidateMedianMs, 1)}`,
      },
    ];
  } finally {
    await bench.close();
  }
}

async function warmUp(container: Container): Promise<void> {
  for (let round = 0; round < 5; round += 1) {
    await container.invoke([requestBody(`warm-${round}`)]);
    await container.invoke(Array.from({ length: 10 }, (_, index) => requestBody(`warm-${round}-${index}`)));
  }
}
