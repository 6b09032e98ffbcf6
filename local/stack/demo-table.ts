import type { DemoSummary } from "./demo-scenario";

/** The terminal width the table is made for. */
export const DEMO_TABLE_WIDTH = 120;
/** Where a step's detail lines start, under its name. */
const INDENT = "   ";

/**
 * The demo's closing table: one row per step (number, name, PASS/FAIL, time), and under it what
 * the step showed, wrapped to the width. The details run to 200 characters, too long for a column.
 */
export function formatDemoSummary(summary: DemoSummary, width = DEMO_TABLE_WIDTH): string {
  const rows = summary.steps.map((step, i) => [
    String(i + 1),
    step.name,
    step.ok ? "PASS" : "FAIL",
    `${(step.durationMs / 1000).toFixed(1)} s`,
  ]);
  const header = ["#", "Step", "Result", "Time"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join("  ")
      .trimEnd();
  const passed = summary.steps.filter((step) => step.ok).length;
  return [
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.flatMap((row, i) => [
      line(row),
      ...wrap(summary.steps[i]!.detail, width - INDENT.length).map((text) => `${INDENT}${text}`),
    ]),
    "",
    `${passed}/${summary.steps.length} steps passed in ${(summary.durationMs / 1000).toFixed(1)} s` +
      (summary.ok ? "." : " — see the failed steps above."),
  ].join("\n");
}

/** Words into lines of at most `width` characters; a longer word is cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    for (let rest = word; rest !== "";) {
      const room = current === "" ? width : width - current.length - 1;
      if (rest.length <= room) {
        current = current === "" ? rest : `${current} ${rest}`;
        rest = "";
      } else if (current !== "") {
        lines.push(current);
        current = "";
      } else {
        lines.push(rest.slice(0, width));
        rest = rest.slice(width);
      }
    }
  }
  if (current !== "") lines.push(current);
  return lines;
}
