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
 * with the same settings. The ratio, of the processes' CPU time, is what our own code adds at init;
 * the goal is ≤ 1.03×. The detail gives the wall times too, with the ratio to a fresh `node -e 0`
 * (the earlier figure, goal 1.5×), and each bundle's size. The bundles are built as `serverless package` builds them (support/bundles.ts);
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

interface ProcessTimes {
  /** From spawn to exit. */
  readonly wallMs: number;
  /** The process's own CPU time (user + system, all its threads), reported by it at exit. */
  readonly cpuMs: number;
}

// Appended to every evaluated snippet alike, so it costs each side the same.
const REPORT_CPU =
  ";process.once('exit',()=>{const u=process.cpuUsage();process.stdout.write(String((u.user+u.system)/1000))})";

/**
 * `node -e <code>` in a fresh process: its wall and CPU time, in ms; rejects on a non-zero exit.
 * `nodeOptions`: the function's NODE_OPTIONS, which Lambda applies to its init as well.
 */
function nodeEval(code: string, nodeOptions = ""): Promise<ProcessTimes> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["-e", `${code}${REPORT_CPU}`], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_OPTIONS: nodeOptions },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => {
      const wallMs = performance.now() - started;
      const cpuMs = Number(stdout.trim());
      if (code === 0 && Number.isFinite(cpuMs)) resolve({ wallMs, cpuMs });
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
  const floorWall: number[] = [];
  const bundleWall: number[] = [];
  // The paired ratio is on CPU time: on a machine shared with other work, a process's wall time
  // also counts the time it waited for a core, which is noise of the same size as a 3 % goal.
  const floor = async () => {
    const times = await nodeEval(requireAll([libraryFloor]), bundle.nodeOptions);
    floorWall.push(times.wallMs);
    return times.cpuMs;
  };
  const candidate = async () => {
    // The bare node, the SDK-external build and the other source-map setting ride along in each
    // round, outside the paired ratio.
    bareNode.push((await nodeEval("0")).wallMs);
    if (sdkExternal !== undefined) {
      withRuntimeSdk.push((await nodeEval(requireAll([sdkExternal.file]), bundle.nodeOptions)).wallMs);
    }
    withSourceMaps.push((await nodeEval(requireAll([bundle.file]), otherNodeOptions)).wallMs);
    const times = await nodeEval(requireAll([bundle.file]), bundle.nodeOptions);
    bundleWall.push(times.wallMs);
    return times.cpuMs;
  };
  await floor();
  await candidate();
  const measured = await pairedRatio(ROUNDS, floor, candidate);
  const bare = median(bareNode);
  const wallBundle = median(bundleWall);
  const wallFloor = median(floorWall);
  const sdkBytes = bundle.composition
    .filter(({ input }) => input.startsWith("@aws-sdk/") || input.startsWith("@smithy/"))
    .reduce((sum, { bytes }) => sum + bytes, 0);
  const bareNote =
    `; wall time: the floor ${ms(wallFloor, 1)}, the bundle ${ms(wallBundle, 1)} (${times(wallBundle / wallFloor)}); ` +
    `against a bare node -e 0 (${ms(bare, 1)}) the bundle is ${times(wallBundle / bare)} ` +
    `(goal ≤ ${times(BARE_NODE_GOAL)}) and the floor ${times(wallFloor / bare)}`;
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
      `CPU time, median of ${measured.rounds} alternating rounds; the libraries alone ` +
      `(bench/support/library-floor.ts) ${ms(measured.baselineMedianMs, 1)}, loading the deployed bundle ` +
      `${ms(measured.candidateMedianMs, 1)} (${kb(bundle.bytes)}, of which the AWS SDK ${kb(sdkBytes)})` +
      `${bareNote}${sourceMapNote}${comparison}`,
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

/** The functions that send to the results queue: their floor has the SQS client (library-floor-sqs.ts). */
const SQS_SENDERS: ReadonlySet<string> = new Set(["verificationWebhook", "reconcileSessions"]);

/** A bench/support/library-floor*.ts entry built with the deployed esbuild options, beside the bundles. */
async function buildLibraryFloor(options: Parameters<typeof build>[0], entry: string): Promise<string> {
  const file = join(REPO_ROOT, ".esbuild", `bench-${process.pid}-${entry}`, `${entry}.cjs`);
  await build({
    ...options,
    absWorkingDir: REPO_ROOT,
    entryPoints: [`bench/support/${entry}.ts`],
    outfile: file,
    logLevel: "silent",
  });
  return file;
}

export async function run(): Promise<FigureResult[]> {
  const deployed = await buildFunctionBundles();
  const sdkExternal = await buildFunctionBundles({ sdkExternal: true });
  const libraryFloor = await buildLibraryFloor(deployed.options, "library-floor");
  const sqsFloor = await buildLibraryFloor(deployed.options, "library-floor-sqs");
  try {
    const results: FigureResult[] = [];
    for (const bundle of deployed.functions) {
      const external = sdkExternal.functions.find((candidate) => candidate.name === bundle.name);
      results.push(
        await measureInit(bundle, external, SQS_SENDERS.has(bundle.name) ? sqsFloor : libraryFloor),
      );
    }
    results.push(...sdkExternal.functions.map(sizeResult));
    return results;
  } finally {
    deployed.remove();
    sdkExternal.remove();
    rmSync(dirname(libraryFloor), { recursive: true, force: true });
    rmSync(dirname(sqsFloor), { recursive: true, force: true });
  }
}
