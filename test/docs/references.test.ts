import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// The repository stands alone: a clone has nothing beside it. What the code and docs cite must be
// in it, and a section they cite must exist.

const root = new URL("../..", import.meta.url).pathname;
const SKIPPED = new Set(["node_modules", ".git", ".cache", ".serverless", ".esbuild", "coverage", "dist"]);

/** Every text file of the project (sources, docs, scripts, config), as a path relative to the root. */
function projectFiles(dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return projectFiles(path);
    return /\.(ts|js|md|json|yml|yaml|sh)$|^run$/.test(entry.name) && entry.name !== "package-lock.json"
      ? [relative(root, path)]
      : [];
  });
}

/** The section numbers a doc of ours has (`## 3.`, `### 7.4`). */
function sections(doc: string): Set<string> {
  const text = readFileSync(join(root, "docs", doc), "utf8");
  return new Set([...text.matchAll(/^#{2,4} (\d+(?:\.\d+)*)\.? /gm)].map(([, number]) => number!));
}

const files = projectFiles();

describe("references", () => {
  it("finds the project's files", () => {
    expect(files).toContain("README.md");
    expect(files).toContain(".ci/run");
  });

  // A user's clone has this repository alone: nothing may reach for a folder beside it.
  it("no file refers to anything beside the repository (the shared folder of the workplace)", () => {
    const outside = files.filter(
      (file) =>
        file !== "test/docs/references.test.ts" &&
        /\.\.\/shared|(^|[\s(`"'])shared\//m.test(readFileSync(join(root, file), "utf8")),
    );
    expect(outside).toEqual([]);
  });

  it.each(["design.md", "markid-api.md"])("every section of %s that a file cites exists in docs/", (doc) => {
    const have = sections(doc);
    const cited = new RegExp(
      `${doc.replace(".", "\\.")} §(\\d+(?:\\.\\d+)*)(?:[–-](\\d+(?:\\.\\d+)*))?`,
      "g",
    );
    const missing = files.flatMap((file) =>
      [...readFileSync(join(root, file), "utf8").matchAll(cited)]
        .flatMap(([, from, to]) => [from!, ...(to === undefined ? [] : [to])])
        .filter((number) => !have.has(number))
        .map((number) => `${file}: §${number}`),
    );
    expect(have.size).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });
});
