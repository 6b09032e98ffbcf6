import { cut } from "../stack/console-lines";

/**
 * The smoke test's steps and their one line each. A step that needs an earlier one which did not
 * pass is skipped, not run into a confusing second failure. Details say identifiers only (a
 * shortened scanRef, a requestId): never an authToken, a key or a person's data.
 */
export interface SmokeStep {
  readonly name: string;
  /** Names of earlier steps this one needs. */
  readonly needs?: readonly string[];
  /** Resolves with a short detail when the step holds; throws (or rejects) with why it does not. */
  readonly run: () => Promise<string>;
}

type StepStatus = "PASS" | "FAIL" | "SKIP";

export interface StepResult {
  readonly name: string;
  readonly status: StepStatus;
  readonly durationMs: number;
  readonly detail: string;
}

/** Runs the steps in order, printing one line per step as it ends. */
export async function runSmokeSteps(
  steps: readonly SmokeStep[],
  print: (line: string) => void,
  now: () => number = Date.now,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  const width = Math.max(...steps.map((step) => step.name.length));
  for (const step of steps) {
    const missing = (step.needs ?? []).filter(
      (name) => results.find((result) => result.name === name)?.status !== "PASS",
    );
    const started = now();
    let result: StepResult;
    if (missing.length > 0) {
      result = { name: step.name, status: "SKIP", durationMs: 0, detail: `needs ${missing.join(", ")}` };
    } else {
      try {
        result = { name: step.name, status: "PASS", detail: await step.run(), durationMs: now() - started };
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        result = { name: step.name, status: "FAIL", detail, durationMs: now() - started };
      }
    }
    results.push(result);
    print(stepLine(result, width));
  }
  return results;
}

export function stepLine(result: StepResult, nameWidth = result.name.length): string {
  const seconds = `${(result.durationMs / 1000).toFixed(1)} s`.padStart(7);
  return `${result.status}  ${result.name.padEnd(nameWidth)}  ${seconds}  ${cut(result.detail, 400)}`;
}

/** The closing line, and whether the run passed: every step PASS. */
export function smokeVerdict(results: readonly StepResult[]): { ok: boolean; line: string } {
  const passed = results.filter((result) => result.status === "PASS").length;
  const ok = passed === results.length && results.length > 0;
  return {
    ok,
    line: `${ok ? "smoke test passed" : "smoke test FAILED"}: ${passed}/${results.length} steps passed`,
  };
}

/** An identifier shortened for a terminal: enough to find it in logs, not the whole of it. */
export function short(id: string): string {
  return id.length <= 8 ? id : `${id.slice(0, 8)}…`;
}
