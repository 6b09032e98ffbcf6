import { execFile } from "node:child_process";
import { promisify } from "node:util";

export interface CommandRun {
  /** The exit code (0 when it succeeded). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a TypeScript entry point of the project as `npx tsx` would (node --import tsx), from the
 * repository root, with `env` added to this process's environment; never rejects.
 */
export async function runEntryPoint(
  path: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<CommandRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", path, ...args],
      {
        cwd: new URL("../..", import.meta.url),
        env: { ...process.env, ...env },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
