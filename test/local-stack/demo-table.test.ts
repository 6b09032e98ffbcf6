import { describe, expect, it } from "vitest";
import { DEMO_TABLE_WIDTH, formatDemoSummary, wrap } from "../../local/stack/demo-table";

describe("wrap", () => {
  it("keeps words whole within the width, cuts only a word longer than a line", () => {
    expect(wrap("aa bb cc dd", 5)).toEqual(["aa bb", "cc dd"]);
    expect(wrap("abcdefghij k", 4)).toEqual(["abcd", "efgh", "ij k"]);
    expect(wrap("  ", 4)).toEqual([]);
  });
});

describe("formatDemoSummary", () => {
  const long = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
  const summary = {
    ok: false,
    durationMs: 12_345,
    steps: [
      {
        name: "A request becomes a session; its signed webhook a completed event",
        ok: true,
        detail: long,
        durationMs: 1200,
      },
      {
        name: "A bad request ends in verification.failed",
        ok: false,
        detail: "no event within 5 s",
        durationMs: 5000,
      },
    ],
  };

  it(`fits ${DEMO_TABLE_WIDTH} columns and keeps every word of every detail`, () => {
    const table = formatDemoSummary(summary);
    const lines = table.split("\n");
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(DEMO_TABLE_WIDTH);
    expect(table.replace(/\s+/g, " ")).toContain(long);
    expect(lines).toContain("   no event within 5 s");
  });

  it("says PASS/FAIL per step and the count", () => {
    const table = formatDemoSummary(summary);
    expect(table).toMatch(/^1 +A request becomes a session.* PASS +1\.2 s$/m);
    expect(table).toMatch(/^2 +A bad request ends in verification\.failed +FAIL +5\.0 s$/m);
    expect(table).toContain("1/2 steps passed in 12.3 s — see the failed steps above.");
  });
});
