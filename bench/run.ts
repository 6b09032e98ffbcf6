// `npm run bench [-- --check] [-- --only <name>[,<name>…]] [-- --markdown]`
//
// Runs every figure of docs/performance.md and prints it beside its goal. Each figure is a ratio
// (or a count) measured within this one run, so a slow or noisy machine slows both sides alike
// and does not decide the verdict. With --check the exit code is 1 when a figure misses its goal;
// without it the run only reports. --markdown also prints the table as Markdown (for the docs).
import { parseArgs } from "node:util";
import { describeMachine, formatMachine, formatMarkdown, formatTable, type FigureResult } from "./report";

interface Figure {
  readonly name: string;
  readonly run: () => Promise<FigureResult[]>;
}

// In the order of docs/performance.md's table.
const FIGURES: readonly Figure[] = [
  { name: "client-overhead", run: async () => (await import("./client-overhead")).run() },
  { name: "cold-init", run: async () => (await import("./cold-init")).run() },
  { name: "rate-limit-drain", run: async () => (await import("./rate-limit-drain")).run() },
  { name: "outage", run: async () => (await import("./outage")).run() },
  { name: "secret-reads", run: async () => (await import("./secret-reads")).run() },
  { name: "batch-size", run: async () => (await import("./batch-size")).run() },
  { name: "webhook-parse", run: async () => (await import("./webhook-parse")).run() },
  { name: "webhook-burst", run: async () => (await import("./webhook-burst")).run() },
  { name: "delivery-to-event", run: async () => (await import("./delivery-to-event")).run() },
  { name: "reconcile-calls", run: async () => (await import("./reconcile-calls")).run() },
  { name: "reconcile-rate-share", run: async () => (await import("./reconcile-rate-share")).run() },
];

// The SDK warns once per process (this one and the simulator, local AWS and cold-init children,
// which inherit the variable) that its releases from 2027 need Node 22. True, and not what a
// benchmark run is for; it would only split the report's lines.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const { values } = parseArgs({
  options: {
    check: { type: "boolean", default: false },
    only: { type: "string" },
    markdown: { type: "boolean", default: false },
  },
});

const only = values.only?.split(",").map((name) => name.trim());
const unknown = only?.filter((name) => !FIGURES.some((figure) => figure.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown figure(s): ${unknown.join(", ")}; known: ${FIGURES.map((f) => f.name).join(", ")}`);
  process.exit(2);
}

const machine = describeMachine();
console.log(`markid-serverless benchmarks — ${formatMachine(machine)}\n`);

const results: FigureResult[] = [];
for (const figure of FIGURES) {
  if (only !== undefined && !only.includes(figure.name)) continue;
  const started = performance.now();
  process.stdout.write(`running ${figure.name}… `);
  try {
    const figureResults = await figure.run();
    results.push(...figureResults);
    console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    // A figure that cannot be measured is a miss, not a crash of the whole run.
    console.log("failed");
    console.error(error);
    results.push({
      figure: figure.name,
      measured: "error",
      goal: "runs",
      verdict: "miss",
      detail: String(error),
    });
  }
}

console.log(`\n${formatTable(results)}`);
if (values.markdown) console.log(`\n${formatMarkdown(results, machine, new Date())}`);

const misses = results.filter((result) => result.verdict === "miss");
const pending = results.filter((result) => result.verdict === "pending");
console.log(
  `\n${results.length - misses.length - pending.length} met, ${misses.length} missed, ${pending.length} pending` +
    (values.check ? "" : " (report only; --check makes a miss fail the run)"),
);
process.exitCode = values.check && misses.length > 0 ? 1 : 0;
