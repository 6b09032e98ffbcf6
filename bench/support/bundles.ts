import { execFile } from "node:child_process";
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { build, type BuildOptions, type Metafile } from "esbuild";
import { REPO_ROOT } from "./simulator-process";

/**
 * The functions' bundles, built the way `serverless package` builds them: the esbuild settings
 * come from serverless.yml (custom.esbuild) as the Framework resolves them (`serverless print`),
 * and are turned into esbuild options as serverless-esbuild does (its own keys dropped, `exclude`
 * made external, `outputFileExtension` as outExtension). Reading them rather than restating them
 * here keeps the benchmark measuring what is deployed.
 */

export interface FunctionBundle {
  /** The function's name in serverless.yml, e.g. `startVerification`. */
  readonly name: string;
  /** e.g. `functions/start-verification.ts`. */
  readonly entry: string;
  /** The minified bundle (source map not included). */
  readonly file: string;
  readonly bytes: number;
  /** Bytes of the bundle by input package (or `lib/`, `functions/`), largest first. */
  readonly composition: readonly { readonly input: string; readonly bytes: number }[];
  /** The input files that put code in the bundle, relative to the repository, e.g. `lib/config.ts`. */
  readonly modules: readonly string[];
  /** Modules the bundle requires at run time instead of carrying them (none when deployed). */
  readonly externals: readonly string[];
  /** The function's NODE_OPTIONS as deployed to the stage printed (`ci`: the defaults), often "". */
  readonly nodeOptions: string;
}

export interface Bundles {
  readonly functions: readonly FunctionBundle[];
  /** The esbuild options used, for the report. */
  readonly options: BuildOptions;
  /** Removes the build folder. */
  remove(): void;
}

type Environment = Readonly<Record<string, unknown>>;

interface PrintedService {
  readonly provider?: { readonly environment?: Environment };
  readonly custom?: { readonly esbuild?: Record<string, unknown> };
  readonly functions?: Record<string, { readonly handler?: string; readonly environment?: Environment }>;
}

/** serverless-esbuild's own settings, which it removes before calling esbuild (its bundle.js). */
const PLUGIN_KEYS = new Set([
  "concurrency",
  "zipConcurrency",
  "exclude",
  "nativeZip",
  "packager",
  "packagePath",
  "watch",
  "keepOutputDirectory",
  "packagerOptions",
  "installExtraArgs",
  "outputFileExtension",
  "outputBuildFolder",
  "outputWorkFolder",
  "nodeExternals",
  "skipBuild",
  "skipRebuild",
  "skipBuildExcludeFns",
  "stripEntryResolveExtensions",
  "disposeContext",
]);

/**
 * `sdkExternal`: also leave `@aws-sdk/*` out, for the size goal ("AWS SDK excluded"); the deployed
 * bundles carry the SDK (serverless.yml says why).
 */
export async function buildFunctionBundles({ sdkExternal = false } = {}): Promise<Bundles> {
  const service = await printService();
  const settings = service.custom?.esbuild ?? {};
  const deployed = esbuildOptionsFrom(settings);
  const options = sdkExternal
    ? { ...deployed, external: [...(deployed.external ?? []), "@aws-sdk/*"] }
    : deployed;
  // Inside the repository (in the ignored .esbuild folder) so that external modules, if any,
  // resolve from node_modules when a bundle is loaded.
  const outdir = join(REPO_ROOT, ".esbuild", `bench-${process.pid}${sdkExternal ? "-sdk-external" : ""}`);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });

  const functions: FunctionBundle[] = [];
  for (const [name, definition] of Object.entries(service.functions ?? {})) {
    const handler = definition.handler;
    if (handler === undefined) continue;
    const entry = `${handler.slice(0, handler.lastIndexOf("."))}.ts`;
    const result = await build({
      ...options,
      absWorkingDir: REPO_ROOT,
      entryPoints: [entry],
      outdir: join(outdir, name),
      metafile: true,
      logLevel: "silent",
    });
    const extension = typeof settings.outputFileExtension === "string" ? settings.outputFileExtension : ".js";
    const [outputPath, output] = Object.entries(result.metafile.outputs).find(([path]) =>
      path.endsWith(extension),
    )!;
    const file = join(REPO_ROOT, outputPath);
    functions.push({
      name,
      entry,
      file,
      bytes: statSync(file).size,
      composition: composition(output),
      nodeOptions: nodeOptionsOf(definition.environment ?? {}, service.provider?.environment ?? {}),
      modules: Object.entries(output.inputs)
        .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
        .map(([input]) => input),
      externals: [
        ...new Set(
          output.imports.filter((i) => i.external && !i.path.startsWith("node:")).map((i) => i.path),
        ),
      ],
    });
  }
  return { functions, options, remove: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** The function's NODE_OPTIONS: its own environment over the provider's; "" when neither sets it. */
function nodeOptionsOf(functionEnvironment: Environment, providerEnvironment: Environment): string {
  const value = functionEnvironment.NODE_OPTIONS ?? providerEnvironment.NODE_OPTIONS ?? "";
  return typeof value === "string" ? value : "";
}

async function printService(): Promise<PrintedService> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(REPO_ROOT, "node_modules", ".bin", "serverless"), "print", "--stage", "ci", "--format", "json"],
    { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, SLS_TELEMETRY_DISABLED: "1" } },
  );
  return JSON.parse(stdout) as PrintedService;
}

function esbuildOptionsFrom(settings: Record<string, unknown>): BuildOptions {
  const strings = (value: unknown): string[] =>
    (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === "string");
  const exclude = strings(settings.exclude ?? ["aws-sdk"]);
  const esbuildSettings = Object.fromEntries(
    Object.entries(settings).filter(([key]) => !PLUGIN_KEYS.has(key)),
  );
  const extension = settings.outputFileExtension;
  return {
    // serverless-esbuild's defaults, then the service's settings over them.
    bundle: true,
    target: "node18",
    platform: "node",
    ...esbuildSettings,
    external: [...strings(settings.external), ...(exclude.includes("*") ? [] : exclude)],
    ...(typeof extension === "string" && extension !== ".js" ? { outExtension: { ".js": extension } } : {}),
  };
}

/** The bundle's bytes grouped by npm package (scope included) or by top-level source folder. */
function composition(output: Metafile["outputs"][string]): { input: string; bytes: number }[] {
  const groups = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const group = match ? match[1]! : relative(".", input).split("/")[0]!;
    groups.set(group, (groups.get(group) ?? 0) + bytesInOutput);
  }
  return [...groups.entries()].map(([input, bytes]) => ({ input, bytes })).sort((a, b) => b.bytes - a.bytes);
}
