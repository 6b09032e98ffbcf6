// `npm run demo`: a guided tour of the system on its own local stack (random ports, so it runs
// beside `npm start`). Exit 0 when every step passed, 1 otherwise. See docs/local-stack.md.
import { announceNodeVersion } from "./node-version-notice";
import { commandLineOrExit } from "./cli/command-line";
import { formatDemoSummary } from "./stack/demo-table";
import { runDemo } from "./stack/demo-scenario";

commandLineOrExit({
  name: "npm run demo",
  usage: `(no arguments)

A guided scenario on a local stack of its own (random ports, so it runs beside \`npm start\`), ending
in a summary table; exit 0 when every step holds.`,
  config: { options: {} },
});
announceNodeVersion();
console.log("Mark ID serverless — local demo. Lines starting with a time are the stack's own.");
const summary = await runDemo({
  log: (line) => console.log(line),
  stackLog: (line) => console.log(`      ${line}`),
});
console.log(`\n${formatDemoSummary(summary)}`);
process.exit(summary.ok ? 0 : 1);
