import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Powertools packages each depend on one exact version of @aws-lambda-powertools/commons, so two
 * Powertools versions side by side put two copies of commons in node_modules and in the bundles
 * that use both packages (before the versions were aligned, startVerification carried three).
 * They are pinned exactly: a caret range lets `npm install` move one package to a release the
 * others do not have yet (logger and metrics had 2.36.0 while batch stopped at 2.35.0).
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(ROOT, file), "utf8")) as T;
}

interface PackageJson {
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

interface PackageLock {
  readonly packages: Record<string, { readonly version?: string }>;
}

const POWERTOOLS = "@aws-lambda-powertools/";

describe("Powertools dependencies", () => {
  it("are all pinned to one exact version", () => {
    const manifest = readJson<PackageJson>("package.json");
    const ranges = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }).filter(
      ([name]) => name.startsWith(POWERTOOLS),
    );

    expect(ranges.length).toBeGreaterThan(0);
    for (const [name, range] of ranges) {
      expect(range, name).toMatch(/^\d+\.\d+\.\d+$/);
    }
    expect(new Set(ranges.map(([, range]) => range)).size).toBe(1);
  });

  it("share a single copy of @aws-lambda-powertools/commons", () => {
    const lock = readJson<PackageLock>("package-lock.json");
    const copies = Object.keys(lock.packages).filter((path) =>
      path.endsWith(`node_modules/${POWERTOOLS}commons`),
    );

    expect(copies).toEqual([`node_modules/${POWERTOOLS}commons`]);
  });
});
