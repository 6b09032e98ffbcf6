import { describe, expect, it } from "vitest";
import { runDemo } from "../../local/stack/demo-scenario";
import { formatDemoSummary } from "../../local/stack/demo-table";

// `npm run demo` in-process: the local stack with the real handlers, every step of the scenario.
// The CI proof that the demo passes. One stack per process (the handlers keep their configuration
// per container), so this file runs nothing else.
//
// SNS is down for 3 s here, not the demo's 30 s: the step checks the same things (the webhook
// answers 200, nothing is published while SNS is down, the result is published once after), and
// the length only adds wall time to CI.
const SNS_OUTAGE_MS = 3000;

describe("npm run demo", () => {
  it("passes every step", { timeout: 90_000 }, async () => {
    const summary = await runDemo({ snsOutageMs: SNS_OUTAGE_MS });
    const table = formatDemoSummary(summary);
    expect(summary.steps.map((step) => step.name)).toEqual([
      "Start the stack (simulator, local AWS, the five functions)",
      "A request becomes a session; its signed webhook a completed event",
      "A duplicate request spends no second token",
      "Rotated credentials are picked up without a failed request",
      "Token limit: one alert, nothing lost; top-up, resolved alert, redrive",
      "A bad request ends in verification.failed",
      "SNS down for 3 s while a verification completes; published once it is back",
      "A webhook lost outright: reconciliation delivers it, the metric counts it",
    ]);
    expect(
      summary.steps.filter((step) => !step.ok),
      table,
    ).toEqual([]);
    expect(summary.ok).toBe(true);
    expect(table).toContain(`${summary.steps.length}/${summary.steps.length} steps passed`);
    // The real details, not only the unit test's: the table fits a 120-column terminal.
    expect(Math.max(...table.split("\n").map((line) => line.length))).toBeLessThanOrEqual(120);
  });
});
