import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFunctionBundles, type Bundles, type FunctionBundle } from "../../bench/support/bundles";

/**
 * Builds each function's bundle as `serverless package` does (serverless.yml's esbuild settings,
 * bench/support/bundles.ts) and checks which Mark ID schema modules it carries: every schema a
 * bundle carries is constructed at cold init, so a handler's bundle must hold only the endpoints
 * its handler calls (pure `defineEndpoint` declarations, package.json "sideEffects": false, and
 * Dependencies holding the transport rather than the full client).
 */

const SCHEMAS = "lib/markid/schemas/";
let bundles: Bundles;

beforeAll(async () => {
  bundles = await buildFunctionBundles();
}, 60_000);

afterAll(() => bundles?.remove());

function schemaModules(name: string): string[] {
  const bundle: FunctionBundle | undefined = bundles.functions.find((candidate) => candidate.name === name);
  expect(bundle, `no bundle for ${name}`).toBeDefined();
  return bundle!.modules
    .filter((module) => module.startsWith(SCHEMAS))
    .map((module) => module.slice(SCHEMAS.length));
}

describe("each function's bundle carries only the Mark ID endpoints its handler calls", () => {
  it("startVerification: the token schemas (POST /api/v2/token), no verification, process or dummy-status ones", () => {
    const carried = schemaModules("startVerification");
    expect(carried).toContain("token.ts");
    for (const unused of ["verification.ts", "process.ts", "dummy-status.ts"])
      expect(carried).not.toContain(unused);
  });

  it.each(["verificationWebhook", "checkCredentials", "publishVerificationResult", "reconcileSessions"])(
    "%s: no token schemas (it never creates a token)",
    (name) => {
      expect(schemaModules(name)).not.toContain("token.ts");
    },
  );
});

it("reconcileSessions: the status reply's schema, not the data or files ones (it only asks for the status)", () => {
  const carried = schemaModules("reconcileSessions");
  expect(carried).toContain("verification.ts");
  expect(carried).not.toContain("verification-data.ts");
});

describe("the message schemas are for the docs generator and the tests, never a handler", () => {
  // lib/message-schemas.ts uses full zod (zod/mini elsewhere): a bundle carrying it would grow and
  // build every message schema at cold init. Modules with no bytes in the output were shaken out.
  it("no bundle carries lib/message-schemas.ts or zod's classic API", () => {
    expect(bundles.functions.length).toBeGreaterThan(0);
    for (const bundle of bundles.functions) {
      const offending = bundle.modules.filter(
        (module) => module === "lib/message-schemas.ts" || module.includes("node_modules/zod/v4/classic/"),
      );
      expect(offending, bundle.name).toEqual([]);
    }
  });
});

describe("production dependencies", () => {
  // serverless.yml aliases it to lib/aws/credential-chain.ts, which only needs its types and, where
  // the environment has no keys, requires it at run time from node_modules: never bundled.
  const REQUIRED_AT_RUN_TIME = new Set(["@aws-sdk/credential-provider-node"]);

  it("are each carried by a bundle: what only local/, bench/ or the tests use is a devDependency", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const carried = new Set(
      bundles.functions.flatMap((bundle) =>
        bundle.composition.filter(({ bytes }) => bytes > 0).map(({ input }) => input),
      ),
    );

    const unbundled = Object.keys(manifest.dependencies).filter(
      (name) => !carried.has(name) && !REQUIRED_AT_RUN_TIME.has(name),
    );
    expect(unbundled).toEqual([]);
  });
});
