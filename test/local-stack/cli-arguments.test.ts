import { describe, expect, it } from "vitest";
import { readCommandLine, UsageError, usageLine, wholeNumber } from "../../local/cli/command-line";
import { runEntryPoint } from "../support/run-command";

const command = {
  name: "demo-cli",
  usage: "[--count N] <thing>",
  config: { options: { count: { type: "string" as const } }, allowPositionals: true },
};

describe("readCommandLine", () => {
  it("answers --help (or -h) with the usage, even beside a bad option", () => {
    for (const argv of [["--help"], ["-h"], ["--bogus", "--help"]]) {
      expect(readCommandLine(command, argv)).toEqual({
        kind: "help",
        text: "usage: demo-cli [--count N] <thing>",
      });
    }
  });

  it("treats --help after -- as a value", () => {
    const outcome = readCommandLine(command, ["--", "--help"]);
    expect(outcome.kind).toBe("run");
    if (outcome.kind === "run") expect(outcome.parsed.positionals).toEqual(["--help"]);
  });

  it("turns parseArgs' errors into one line naming the command", () => {
    for (const [argv, problem] of [
      [["--count"], "Option '--count <value>' argument missing"],
      [["--bogus"], "Unknown option '--bogus'"],
    ] as const) {
      const outcome = readCommandLine(command, argv);
      expect(outcome).toEqual({ kind: "usage-error", line: `demo-cli: ${problem} (--help shows the usage)` });
    }
  });

  it("parses good arguments", () => {
    const outcome = readCommandLine(command, ["--count", "3", "x"]);
    expect(outcome.kind === "run" && outcome.parsed).toMatchObject({
      values: { count: "3" },
      positionals: ["x"],
    });
  });
});

describe("wholeNumber", () => {
  it("accepts whole numbers in range and refuses the rest by name", () => {
    expect(wholeNumber("7", "--count", 1, 10)).toBe(7);
    for (const text of ["0", "11", "2.5", "x", "", " ", undefined]) {
      expect(() => wholeNumber(text, "--count", 1, 10)).toThrow(UsageError);
    }
    expect(usageLine("c", new UsageError("--count must be ..."))).toBe(
      "c: --count must be ... (--help shows the usage)",
    );
  });
});

/** Runs one command of local/ as a user would; no stack is running, so nothing may be reached. */
const run = (script: string, ...args: string[]) =>
  // Ports nobody listens on: a command that got past its arguments would fail differently.
  runEntryPoint(`local/${script}`, args, { LOCAL_AWS_PORT: "9", SIMULATOR_PORT: "9" });

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Each command: its file under local/, the name it speaks as, argument lists it must refuse. */
const COMMANDS: [string, string, ...string[][]][] = [
  [
    "cli/enqueue.ts",
    "npx tsx local/cli/enqueue.ts",
    ["--count"],
    ["--count", "1001"],
    ["--field", "no-equals-sign"],
  ],
  [
    "cli/simulator.ts",
    "npx tsx local/cli/simulator.ts",
    ["frobnicate"],
    ["balance", "lots"],
    ["fault", "{not json"],
    ["drop-webhooks", "-1"],
  ],
  [
    "cli/dlq.ts",
    "npm run dlq --",
    ["list", "--rate"],
    ["purge"],
    ["redrive", "--rate", "0"],
    ["list", "--max", "5"],
  ],
  ["start.ts", "npm start", ["now"], ["--port", "1"]],
  ["simulator/main.ts", "npm run simulator", ["--port", "1"], ["now"]],
  ["demo.ts", "npm run demo", ["--fast"], ["--sns-outage", "soon"], ["--sns-outage", "0"]],
  ["chaos.ts", "npm run chaos", ["--bogus", "1"], ["--requests", "many"], ["--seed"]],
];

describe.each(COMMANDS)("local/%s", (script, name, ...badArgumentLists) => {
  it("answers --help with its usage on stdout, exit 0", async () => {
    const { code, stdout, stderr } = await run(script, "--help");
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^usage: ${escape(name)} `));
    expect(stderr).toBe("");
  });

  it.each(badArgumentLists)(
    "refuses a bad argument (%s ...) in one line, exit 2, no stack trace",
    async (...args) => {
      const { code, stdout, stderr } = await run(script, ...args);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(new RegExp(`^${escape(name)}: [^\\n]+ \\(--help shows the usage\\)\\n$`));
      expect(stderr).not.toMatch(/\bat .+:\d+:\d+/);
    },
  );
});
