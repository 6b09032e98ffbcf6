import { spawn } from "node:child_process";
import { EventEmitter, once } from "node:events";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { FUNCTIONS } from "../../local/stack/functions";
import { stopOnSignalOrOrphaning } from "../../local/stack/shutdown";

/** A stand-in for process: signals on demand, a parent pid we can change. */
function harness() {
  const signals = new EventEmitter();
  let ppid = 100;
  const log: string[] = [];
  const exits: number[] = [];
  let stops = 0;
  const remove = stopOnSignalOrOrphaning({
    stop: () => {
      stops++;
      return new Promise((resolve) => setTimeout(resolve, 20));
    },
    log: (line) => log.push(line),
    exit: (code) => exits.push(code),
    signals: signals as unknown as Pick<NodeJS.Process, "on" | "off">,
    parentPid: () => ppid,
    parentCheckMs: 10,
  });
  return {
    signals,
    log,
    exits,
    stops: () => stops,
    orphan: () => (ppid = 1),
    remove,
  };
}

describe("stopOnSignalOrOrphaning", () => {
  it.each(["SIGINT", "SIGTERM"])("%s stops the stack once, then exits 0", async (signal) => {
    const h = harness();
    h.signals.emit(signal);
    await vi.waitFor(() => expect(h.exits).toEqual([0]));
    expect(h.stops()).toBe(1);
    expect(h.log.at(-1)).toBe("Stopped.");
    h.remove();
  });

  it("a second signal while stopping exits at once with 130", () => {
    const h = harness();
    h.signals.emit("SIGINT");
    h.signals.emit("SIGINT");
    expect(h.exits).toEqual([130]);
    h.remove();
  });

  it("a changed parent pid (npm or its shell ended) stops the stack", async () => {
    const h = harness();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(h.stops()).toBe(0);
    h.orphan();
    await vi.waitFor(() => expect(h.exits).toEqual([0]));
    expect(h.log[0]).toMatch(/parent process ended/);
    h.remove();
  });
});

/** Whether anything accepts a connection at url now. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

describe.each(["SIGTERM", "SIGINT"] as const)("%s to `npm start` itself (the npm process)", (signal) => {
  it("stops everything it started: its ports stop answering", { timeout: 60_000 }, async () => {
    const npm = spawn("npm", ["start"], {
      cwd: new URL("../..", import.meta.url),
      env: {
        ...process.env,
        SIMULATOR_PORT: "0",
        LOCAL_AWS_PORT: "0",
        WEBHOOK_PORT: "0",
        LOCAL_SAMPLE_REQUEST: "false",
        CREDENTIAL_CHECK_INTERVAL_SECONDS: "3600",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Should the test fail midway, npm goes; the stack's parent watch then takes the rest down.
    onTestFinished(() => {
      if (npm.exitCode === null && npm.signalCode === null) npm.kill("SIGKILL");
    });
    let output = "";
    npm.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await vi.waitFor(() => expect(output).toContain("Local stack up"), { timeout: 45_000, interval: 100 });
    // The banner names every function the stack runs, and the results queue for invoke local.
    await vi.waitFor(() => expect(output).toContain("RESULTS_QUEUE_URL="), { timeout: 5_000, interval: 50 });
    for (const fn of Object.values(FUNCTIONS)) expect(output).toContain(fn.name);
    const urls = [...output.matchAll(/http:\/\/127\.0\.0\.1:\d+/g)].map(([url]) => url);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const url of urls) expect(await answers(url), url).toBe(true);

    const exited = once(npm, "exit");
    npm.kill(signal);
    await exited;
    await vi.waitFor(
      async () => {
        for (const url of urls) expect(await answers(url), url).toBe(false);
      },
      { timeout: 10_000, interval: 200 },
    );
  });
});
