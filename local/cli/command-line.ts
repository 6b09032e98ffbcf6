// Argument handling shared by the drive commands: node:util parseArgs, plus what it leaves to us —
// `--help`, and a bad argument as one line on stderr (exit 2) instead of parseArgs' TypeError and
// its stack of Node frames.
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A bad argument found after parsing (a value out of range, an unknown subcommand). */
export class UsageError extends Error {}

export interface CommandLine<T extends ParseArgsConfig> {
  /** How the command is run, e.g. `npx tsx local/cli/dlq.ts`. */
  readonly name: string;
  /** The usage text `--help` prints, below the name. */
  readonly usage: string;
  readonly config: T;
}

export type CommandLineOutcome<T extends ParseArgsConfig> =
  | { readonly kind: "run"; readonly parsed: ReturnType<typeof parseArgs<T>> }
  | { readonly kind: "help"; readonly text: string }
  | { readonly kind: "usage-error"; readonly line: string };

/** Reads argv against the command's options; never throws. */
export function readCommandLine<T extends ParseArgsConfig>(
  command: CommandLine<T>,
  argv: readonly string[],
): CommandLineOutcome<T> {
  // Before parsing, so `--help` works even beside a bad argument; after `--` it is a value.
  const end = argv.indexOf("--");
  if ((end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === "--help" || arg === "-h")) {
    return { kind: "help", text: `usage: ${command.name} ${command.usage}` };
  }
  try {
    // strict is parseArgs' default too; forcing it keeps unknown options an error for every command.
    const parsed = parseArgs({ ...command.config, args: [...argv], strict: true });
    return { kind: "run", parsed: parsed as ReturnType<typeof parseArgs<T>> };
  } catch (error) {
    return { kind: "usage-error", line: usageLine(command.name, error) };
  }
}

/** The parsed command line, or the process ends: help on stdout (exit 0), a bad argument on stderr (exit 2). */
export function commandLineOrExit<T extends ParseArgsConfig>(
  command: CommandLine<T>,
  argv: readonly string[] = process.argv.slice(2),
): ReturnType<typeof parseArgs<T>> {
  const outcome = readCommandLine(command, argv);
  switch (outcome.kind) {
    case "run":
      return outcome.parsed;
    case "help":
      console.log(outcome.text);
      return process.exit(0);
    case "usage-error":
      console.error(outcome.line);
      return process.exit(2);
  }
}

/** One line: what was wrong, and where the usage is. */
export function usageLine(name: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // parseArgs appends a paragraph on `--` to unknown options; the first sentence says it all.
  const first = message.split(/\. To specify a positional/)[0] ?? message;
  return `${name}: ${first} (--help shows the usage)`;
}

/** A whole number from an argument, or a UsageError naming it. */
export function wholeNumber(text: string | undefined, what: string, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || text.trim() === "" || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(
      `${what} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text ?? "")}`,
    );
  }
  return value;
}

/** Ends the process as a bad argument does: one line on stderr, exit 2. */
export function exitWithUsageError(name: string, problem: string): never {
  console.error(usageLine(name, new UsageError(problem)));
  return process.exit(2);
}

/** The value of a check that may throw UsageError (e.g. wholeNumber), or the process ends as above. */
export function parsedOrExit<T>(name: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof UsageError) return exitWithUsageError(name, error.message);
    throw error;
  }
}
