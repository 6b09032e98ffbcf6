import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import { kb, ms, times, type FigureResult } from "./report";
import { buildFunctionBundles, type FunctionBundle } from "./support/bundles";
import { REPO_ROOT } from "./support/simulator-process";
import { median, pairedRatio } from "./support/stats";

/**
 * Each handler's cold init — a fresh Node process that loads its bundle, as Lambda's init phase
 * does — against the libraries' floor: a fresh process loading bench/support/library-floor.ts (the
 * SDK clients, Powertools, zod/mini and neverthrow the handlers load, and nothing of ours), built
 * with the same settings. The ratio is what our own code adds at init; the goal is ≤ 1.03×. The
 * detail keeps the ratio to a fresh `node -e 0` (the earlier figure, goal 1.5×) and each bundle's
 * size. The bundles are built as `serverless package` builds them (support/bundles.ts);
 * test/infra/template.test.ts checks the packaged zips themselves. Size goal: ≤ 200 KB with the AWS
 * SDK excluded.
 *
 * The deployed bundles carry the AWS SDK, tree-shaken from its ES module builds (serverless.yml
 * says why). For comparison the detail also gives the init of the same code with the SDK left
 * external and loaded from node_modules, as it would be from the runtime's own copy, measured in
 * the same rounds; the size goal is measured on that SDK-external build.
 *
 * Each bundle and the floor load with the function's NODE_OPTIONS as `serverless print --stage ci`
 * resolves them (the defaults a deployment gets), since Lambda applies them to the init too: with
 * `--enable-source-maps` Node parses the bundle's source map while loading it. The detail gives
 * the other setting, measured in the same rounds.
 */

/** Our code's share over the libraries' own load (bench/support/library-floor.ts). */
const INIT_GOAL = 1.03;
/** The earlier goal against a bare `node -e 0`, kept in the detail line. */
const BARE_NODE_GOAL = 1.5;
const SIZE_GOAL_BYTES = 200 * 1024;
// Each round is four or five short processes (50–200 ms); 21 rounds per function keep the figure
// about 15 s while the median of the paired ratios absorbs a slow spawn now and then (a 3 % goal
// needs more rounds than the 50 % one did).
const ROUNDS = 21;

const SOURCE_MAPS = "--enable-source-maps";

/**
 * Wall time from spawn to exit of `node -e <code>`, in ms; rejects on a non-zero exit.
 * `nodeOptions`: the function's NODE_OPTIONS, which Lambda applies to its init as well.
 */
function nodeEval(code: string, nodeOptions = ""): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["-e", code], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_OPTIONS: nodeOptions },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("exit", (code) => {
      const elapsed = performance.now() - started;
      if (code === 0) resolve(elapsed);
      else reject(new Error(`node -e exited ${String(code)}: ${stderr.slice(0, 500)}`));
    });
  });
}

const requireAll = (modules: readonly string[]) =>
  modules.map((module) => `require(${JSON.stringify(module)});`).join("") || "0";

async function measureInit(
  bundle: FunctionBundle,
  sdkExternal: FunctionBundle | undefined,
  libraryFloor: string,
): Promise<FigureResult> {
  const withRuntimeSdk: number[] = [];
  const withSourceMaps: number[] = [];
  const bareNode: number[] = [];
  // Source-mapped traces are a per-stage choice (serverless.yml, param nodeOptions); whichever
  // the deployed defaults make, the other one rides along for comparison.
  const sourceMapsDeployed = bundle.nodeOptions.includes(SOURCE_MAPS);
  const otherNodeOptions = sourceMapsDeployed
    ? bundle.nodeOptions.replace(SOURCE_MAPS, "").trim()
    : `${bundle.nodeOptions} ${SOURCE_MAPS}`.trim();
  const floor = () => nodeEval(requireAll([libraryFloor]), bundle.nodeOptions);
  const candidate = async () => {
    // The bare node, the SDK-external build and the other source-map setting ride along in each
    // round, outside the paired ratio.
    bareNode.push(await nodeEval("0"));
    if (sdkExternal !== undefined) {
      withRuntimeSdk.push(await nodeEval(requireAll([sdkExternal.file]), bundle.nodeOptions));
    }
    withSourceMaps.push(await nodeEval(requireAll([bundle.file]), otherNodeOptions));
    return nodeEval(requireAll([bundle.file]), bundle.nodeOptions);
  };
  await floor();
  await candidate();
  const measured = await pairedRatio(ROUNDS, floor, candidate);
  const bare = median(bareNode);
  const sdkBytes = bundle.composition
    .filter(({ input }) => input.startsWith("@aws-sdk/") || input.startsWith("@smithy/"))
    .reduce((sum, { bytes }) => sum + bytes, 0);
  const bareNote =
    `; against a bare node -e 0 (${ms(bare, 1)}) the bundle is ${times(measured.candidateMedianMs / bare)} ` +
    `(goal ≤ ${times(BARE_NODE_GOAL)}) and the floor ${times(measured.baselineMedianMs / bare)}`;
  const comparison =
    withRuntimeSdk.length === 0
      ? ""
      : `; the same code requiring the SDK from node_modules (the runtime's CommonJS copy) ` +
        `${ms(median(withRuntimeSdk), 1)}, ${times(median(withRuntimeSdk) / bare)} of node -e 0`;
  const other = median(withSourceMaps);
  const sourceMapNote =
    `; NODE_OPTIONS ${JSON.stringify(bundle.nodeOptions)} as deployed by default, ` +
    `${sourceMapsDeployed ? "without" : "with"} ${SOURCE_MAPS} ${ms(other, 1)}, ` +
    `${times(other / bare)} of node -e 0`;
  return {
    figure: `cold init vs the libraries' floor: ${bundle.name}`,
    measured: times(measured.ratio),
    goal: `≤ ${times(INIT_GOAL)}`,
    verdict: measured.ratio <= INIT_GOAL ? "pass" : "miss",
    detail:
      `median of ${measured.rounds} alternating rounds; the libraries alone (bench/support/library-floor.ts) ` +
      `${ms(measured.baselineMedianMs, 1)}, loading the deployed bundle ${ms(measured.candidateMedianMs, 1)} ` +
      `(${kb(bundle.bytes)}, of which the AWS SDK ${kb(sdkBytes)})${bareNote}${sourceMapNote}${comparison}`,
  };
}

function sizeResult(bundle: FunctionBundle): FigureResult {
  const top = bundle.composition
    .slice(0, 4)
    .map(({ input, bytes }) => `${input} ${kb(bytes)}`)
    .join(", ");
  return {
    figure: `bundle size (minified, AWS SDK excluded): ${bundle.name}`,
    measured: kb(bundle.bytes),
    goal: `≤ ${kb(SIZE_GOAL_BYTES)}`,
    verdict: bundle.bytes <= SIZE_GOAL_BYTES ? "pass" : "miss",
    detail: `${bundle.entry}; largest parts: ${top}`,
  };
}

/** bench/support/library-floor.ts built with the deployed esbuild options, beside the bundles. */
async function buildLibraryFloor(options: Parameters<typeof build>[0]): Promise<string> {
  const file = join(REPO_ROOT, ".esbuild", `bench-${process.pid}-library-floor`, "library-floor.cjs");
  await build({
    ...options,
    absWorkingDir: REPO_ROOT,
    entryPoints: ["bench/support/library-floor.ts"],
    outfile: file,
    logLevel: "silent",
  });
  return file;
}

export async function run(): Promise<FigureResult[]> {
  const deployed = await buildFunctionBundles();
  const sdkExternal = await buildFunctionBundles({ sdkExternal: true });
  const libraryFloor = await buildLibraryFloor(deployed.options);
  try {
    const results: FigureResult[] = [];
    for (const bundle of deployed.functions) {
      const external = sdkExternal.functions.find((candidate) => candidate.name === bundle.name);
      results.push(await measureInit(bundle, external, libraryFloor));
    }
    results.push(...sdkExternal.functions.map(sizeResult));
    return results;
  } finally {
    deployed.remove();
    sdkExternal.remove();
    rmSync(dirname(libraryFloor), { recursive: true, force: true });
  }
}
