import { readFile, writeFile } from "node:fs/promises";

/*
 * docs/reliability.md carries generated sections between markers (`<!-- chaos:begin -->` …
 * `<!-- chaos:end -->`, likewise `chaos-fail` and `matrix`); the prose around them is written by hand.
 */

export const RELIABILITY_DOC = new URL("../../docs/reliability.md", import.meta.url);

export function replaceSection(document: string, name: string, content: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const from = document.indexOf(begin);
  const to = document.indexOf(end);
  if (from === -1 || to === -1 || to < from)
    throw new Error(`docs/reliability.md has no ${begin} … ${end} section`);
  return `${document.slice(0, from + begin.length)}\n${content.trim()}\n${document.slice(to)}`;
}

async function writeSection(name: string, content: string): Promise<void> {
  const document = await readFile(RELIABILITY_DOC, "utf8");
  await writeFile(RELIABILITY_DOC, replaceSection(document, name, content));
}

/** The section a run's figures go to: `chaos` (default settings) or `chaos-fail` (`--unknown-outcome fail`). */
const chaosSectionName = (unknownOutcome: "redeliver" | "fail") =>
  unknownOutcome === "fail" ? "chaos-fail" : "chaos";

export const writeChaosSection = (content: string, unknownOutcome: "redeliver" | "fail" = "redeliver") =>
  writeSection(chaosSectionName(unknownOutcome), content);
