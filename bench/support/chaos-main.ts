// A chaos run (local/chaos/run.ts) in a process of its own for the benchmarks
// (support/stack-process.ts runChaosProcess): it starts a local stack, and one process runs one.
// Options from BENCH_CHAOS_OPTIONS (JSON); the outcome goes back over the IPC channel.
import type { ChaosOptions } from "../../local/chaos/options";
import { runChaos } from "../../local/chaos/run";
import type { ChaosOutcome } from "./stack-process";

const options = JSON.parse(process.env.BENCH_CHAOS_OPTIONS ?? "{}") as Partial<ChaosOptions>;
const report = await runChaos(options);
const r = report.figures.results;
const outcome: ChaosOutcome = {
  wallMs: report.wallMs,
  finished: report.finished,
  reconciliation: report.reconciliation,
  results: {
    sessions: r.sessions,
    neverDelivered: r.neverDelivered,
    recovered: r.recovered,
    statusCalls: r.statusCalls,
    sessionsAsked: r.sessionsAsked,
    statusCallsPerSessionAsked: r.statusCallsPerSessionAsked,
    askedAfterFinal: r.askedAfterFinal,
  },
};
process.send?.(outcome, () => process.exit(0));
