// `npm run chaos`: thousands of verification requests through the local stack under injected
// faults, outages, a token exhaustion, a key rotation and duplicate deliveries; prints the figures
// and the invariants (exit code 1 when one fails). `--write-docs` puts them in docs/reliability.md
// (its `chaos` section, or `chaos-fail` with `--unknown-outcome fail`).
// Options: --requests N (or CHAOS_REQUESTS), --seed, --fault-share, --pollers... (local/chaos/options.ts).
import { announceNodeVersion } from "./node-version-notice";
import { chaosUsage, parseChaosArguments } from "./chaos/options";
import { writeChaosSection } from "./chaos/docs";
import { checkInvariants } from "./chaos/invariants";
import { renderMarkdown, renderText } from "./chaos/report";
import { runChaos } from "./chaos/run";

if (process.argv.slice(2).some((arg) => arg === "--help" || arg === "-h")) {
  console.log(chaosUsage());
  process.exit(0);
}
const parsed = parseChaosArguments(process.argv.slice(2), process.env);
if (!parsed.ok) {
  console.error(`npm run chaos: ${parsed.problem.replace(/\s*\n\s*/g, "; ")} (--help shows the usage)`);
  process.exit(2);
}
const { options, writeDocs } = parsed;
announceNodeVersion();
console.log(
  `Chaos run: ${options.requests} requests, ${Math.round(options.faultShare * 100)} % Mark ID faults...`,
);
const report = await runChaos(options, (line) => console.log(line));
console.log(renderText(report));
if (writeDocs) {
  await writeChaosSection(renderMarkdown(report), options.unknownOutcome);
  console.log("docs/reliability.md updated.");
}
process.exit(checkInvariants(report).every((invariant) => invariant.ok) ? 0 : 1);
