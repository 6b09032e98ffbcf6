import type { DemoSummary } from "./demo-scenario";

/** The demo's closing table: one row per step, PASS/FAIL, time, and what was shown. */
export function formatDemoSummary(summary: DemoSummary): string {
  const rows = summary.steps.map((step, i) => [
    String(i + 1),
    step.name,
    step.ok ? "PASS" : "FAIL",
    `${(step.durationMs / 1000).toFixed(1)} s`,
    step.detail,
  ]);
  const header = ["#", "Step", "Result", "Time", "Detail"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  // The detail column is last and not padded: it may be long, and the terminal wraps it.
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  ");
  const passed = summary.steps.filter((step) => step.ok).length;
  return [
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    `${passed}/${summary.steps.length} steps passed in ${(summary.durationMs / 1000).toFixed(1)} s` +
      (summary.ok ? "." : " — see the failed steps above."),
  ].join("\n");
}
