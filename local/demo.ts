// `npm run demo`: a guided tour of the system on its own local stack (random ports, so it runs
// beside `npm start`). Exit 0 when every step passed, 1 otherwise. See docs/local-stack.md.
import { announceNodeVersion } from "./node-version-notice";
import { commandLineOrExit, parsedOrExit, wholeNumber } from "./cli/command-line";
import { formatDemoSummary } from "./stack/demo-table";
import { DEFAULT_SNS_OUTAGE_MS, runDemo } from "./stack/demo-scenario";

const NAME = "npm run demo";
const { values } = commandLineOrExit({
  name: NAME,
  usage: `[-- --sns-outage SECONDS]

A guided scenario on a local stack of its own (random ports, so it runs beside \`npm start\`), ending
in a summary table; exit 0 when every step holds.

  --sns-outage SECONDS   how long SNS is down in the outage step (default ${DEFAULT_SNS_OUTAGE_MS / 1000})`,
  config: { options: { "sns-outage": { type: "string" } } },
});
const snsOutageMs =
  1000 *
  parsedOrExit(NAME, () =>
    wholeNumber(values["sns-outage"] ?? String(DEFAULT_SNS_OUTAGE_MS / 1000), "--sns-outage", 1, 600),
  );
announceNodeVersion();
console.log("Mark ID serverless — local demo. Lines starting with a time are the stack's own.");
const summary = await runDemo({
  log: (line) => console.log(line),
  stackLog: (line) => console.log(`      ${line}`),
  snsOutageMs,
});
console.log(`\n${formatDemoSummary(summary)}`);
process.exit(summary.ok ? 0 : 1);
