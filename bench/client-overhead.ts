import { okAsync } from "neverthrow";
import { createMarkIdClient, PROBE_SCAN_REF, type MarkIdClient } from "../lib/markid/client";
import { times, type FigureResult } from "./report";
import { startSimulatorProcess, SIMULATOR_CREDENTIALS } from "./support/simulator-process";
import { median, pairedRatio, runConcurrently, timeMs } from "./support/stats";

/**
 * Client call cost vs a raw `fetch` of the same request: same simulator (in its own process),
 * same body and headers, same concurrency. The raw side only sends and reads the reply's bytes;
 * the client also validates the request, reads the credentials, builds the headers, decodes and
 * validates the reply (or maps the error reply). Goal: ≤ 1.05×.
 */

const GOAL = 1.05;
const CONCURRENCY = 8;
const CALLS_PER_ROUND = 400;
const ROUNDS = 21;

interface Case {
  readonly name: string;
  readonly path: string;
  readonly body: (index: number) => string;
  readonly expectedStatus: number;
  readonly viaClient: (client: MarkIdClient, index: number) => Promise<boolean>;
}

const CASES: readonly Case[] = [
  {
    name: "createToken (201, decoded)",
    path: "/api/v2/token",
    body: (index) => JSON.stringify({ clientId: `bench-${index}` }),
    expectedStatus: 201,
    viaClient: (client, index) =>
      client.createToken({ clientId: `bench-${index}` }).match(
        () => true,
        () => false,
      ),
  },
  {
    name: "getStatus (400 BAD_VALUE, mapped)",
    path: "/api/v2/status",
    body: () => JSON.stringify({ scanRef: PROBE_SCAN_REF }),
    expectedStatus: 400,
    viaClient: (client) =>
      client.getStatus(PROBE_SCAN_REF).match(
        () => false,
        (error) => error.kind === "api" && error.identifier === "BAD_VALUE",
      ),
  },
];

export async function run(): Promise<FigureResult[]> {
  const simulator = await startSimulatorProcess();
  try {
    await simulator.setTokenBalance(1_000_000_000);
    const credentials = okAsync(SIMULATOR_CREDENTIALS);
    const client = createMarkIdClient({ baseUrl: simulator.url, credentials: () => credentials });
    const authorization = `Basic ${Buffer.from(`${SIMULATOR_CREDENTIALS.apiKey}:${SIMULATOR_CREDENTIALS.apiSecret}`).toString("base64")}`;
    const results: FigureResult[] = [];

    for (const testCase of CASES) {
      const url = `${simulator.url}${testCase.path}`;
      const rawCall = async (index: number): Promise<boolean> => {
        const response = await fetch(url, {
          method: "POST",
          headers: { authorization, accept: "application/json", "content-type": "application/json" },
          redirect: "manual",
          body: testCase.body(index),
        });
        await response.arrayBuffer();
        return response.status === testCase.expectedStatus;
      };
      const clientCall = (index: number) => testCase.viaClient(client, index);

      // This process's CPU per call, beside the wall time: on an idle machine the simulator's
      // process on the other core hides the client's extra CPU; on a busy one it shows.
      const cpuPerCall = { raw: [] as number[], client: [] as number[] };
      const round = (call: (index: number) => Promise<boolean>, cpu: number[]) => async () => {
        let wrong = 0;
        const cpuBefore = process.cpuUsage();
        const elapsed = await timeMs(() =>
          runConcurrently(CALLS_PER_ROUND, CONCURRENCY, async (index) => {
            if (!(await call(index))) wrong += 1;
          }),
        );
        const used = process.cpuUsage(cpuBefore);
        cpu.push((used.user + used.system) / CALLS_PER_ROUND);
        if (wrong > 0) throw new Error(`${testCase.name}: ${wrong} calls did not get the expected reply`);
        await simulator.clearRequests();
        return elapsed;
      };

      // Warm-up: JIT, keep-alive connections, the simulator's own caches.
      await round(rawCall, [])();
      await round(clientCall, [])();
      const measured = await pairedRatio(
        ROUNDS,
        round(rawCall, cpuPerCall.raw),
        round(clientCall, cpuPerCall.client),
      );
      const perCall = (roundMs: number) => ((roundMs / CALLS_PER_ROUND) * CONCURRENCY).toFixed(3);
      results.push({
        figure: `client call cost vs raw fetch: ${testCase.name}`,
        measured: times(measured.ratio, 3),
        goal: `≤ ${times(GOAL)}`,
        verdict: measured.ratio <= GOAL ? "pass" : "miss",
        detail:
          `median of ${measured.rounds} alternating rounds of ${CALLS_PER_ROUND} calls at concurrency ${CONCURRENCY}; ` +
          `round ${measured.baselineMedianMs.toFixed(1)} ms raw vs ${measured.candidateMedianMs.toFixed(1)} ms client ` +
          `(latency ≈ ${perCall(measured.baselineMedianMs)} vs ${perCall(measured.candidateMedianMs)} ms per call); ` +
          `this process's CPU ${median(cpuPerCall.raw).toFixed(0)} vs ${median(cpuPerCall.client).toFixed(0)} µs per call`,
      });
    }
    return results;
  } finally {
    await simulator.close();
  }
}
