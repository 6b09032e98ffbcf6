// `npm run chaos`: thousands of verification requests through the local stack under injected
// faults, outages, a token exhaustion, a key rotation and duplicate deliveries; prints the figures
// and the invariants (exit code 1 when one fails). `--write-docs` puts them in docs/reliability.md
// (its `chaos` section, or `chaos-fail` with `--unknown-outcome fail`).
// Options: --requests N (or CHAOS_REQUESTS), --seed, --fault-share, --pollers... (local/chaos/options.ts).
import { announceNodeVersion } from "./node-version-notice";
import { parseChaosArguments } from "./chaos/options";
import { writeChaosSection } from "./chaos/docs";
import { checkInvariants } from "./chaos/invariants";
import { renderMarkdown, renderText } from "./chaos/report";
import { runChaos } from "./chaos/run";

announceNodeVersion();
const parsed = parseChaosArguments(process.argv.slice(2), process.env);
if (!parsed.ok) {
  console.error(`npm run chaos: ${parsed.problem}`);
  process.exit(2);
}
const { options, writeDocs } = parsed;
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
