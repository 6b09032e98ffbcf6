import { cpus, totalmem } from "node:os";

type Verdict = "pass" | "miss" | "pending";

/** One line of the report: a figure, what this run measured, its goal, and whether it met it. */
export interface FigureResult {
  readonly figure: string;
  readonly measured: string;
  readonly goal: string;
  readonly verdict: Verdict;
  /** What the figure is made of (medians, counts), printed under the table. */
  readonly detail?: string;
}

export interface Machine {
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly platform: string;
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    node: process.version,
    cpu: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform}/${process.arch}`,
  };
}

const HEADERS = ["Figure", "Measured", "Goal", "Verdict"] as const;

const cells = (result: FigureResult): readonly string[] => [
  result.figure,
  result.measured,
  result.goal,
  result.verdict === "pass" ? "ok" : result.verdict === "miss" ? "MISS" : "pending",
];

/** A fixed-width table for the terminal, details listed below it. */
export function formatTable(results: readonly FigureResult[]): string {
  const rows = [HEADERS, ...results.map(cells)];
  const widths = HEADERS.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  const details = results
    .filter((result) => result.detail !== undefined)
    .map((result) => `- ${result.figure}: ${result.detail}`);
  return [line(HEADERS), rule, ...rows.slice(1).map(line), "", ...details].join("\n");
}

/** The same table in Markdown, for docs/performance.md. */
export function formatMarkdown(results: readonly FigureResult[], machine: Machine, date: Date): string {
  const escape = (cell: string) => cell.replace(/\|/g, "\\|");
  const row = (values: readonly string[]) => `| ${values.map(escape).join(" | ")} |`;
  const details = results
    .filter((result) => result.detail !== undefined)
    .map((result) => `- **${result.figure}**: ${result.detail}`);
  return [
    `Run of ${date.toISOString().slice(0, 10)} on ${formatMachine(machine)}.`,
    "",
    row(HEADERS),
    row(HEADERS.map(() => "---")),
    ...results.map((result) => row(cells(result))),
    "",
    ...details,
  ].join("\n");
}

export function formatMachine(machine: Machine): string {
  return `Node ${machine.node}, ${machine.cpu} (${machine.cores} cores), ${machine.memoryGiB} GiB, ${machine.platform}`;
}

/** `1.034×` */
export const times = (ratio: number, digits = 2) => `${ratio.toFixed(digits)}×`;
/** `97.3 %` */
export const percent = (fraction: number, digits = 1) => `${(fraction * 100).toFixed(digits)} %`;
/** `12.3 ms` */
export const ms = (value: number, digits = 2) => `${value.toFixed(digits)} ms`;
/** `123.4 KB` (KiB, as the 200 KB goal means it) */
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
