import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { FaultInjection, RecordedRequest } from "../../local/simulator/index";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** `npm run simulator`'s key pair (local/simulator/options.ts). */
export const SIMULATOR_CREDENTIALS = { apiKey: "local-api-key", apiSecret: "local-api-secret" } as const;

/**
 * The Mark ID simulator in a process of its own, driven through its HTTP control surface. In a
 * separate process its CPU time does not count against the code under measurement, as a remote
 * Mark ID's would not: what the benchmark process spends is the client's own cost.
 */
export interface SimulatorProcess {
  readonly url: string;
  readonly pid: number;
  setTokenBalance(balance: number): Promise<void>;
  setRateLimit(requestsPerSecond: number | null): Promise<void>;
  injectFault(injection: FaultInjection): Promise<void>;
  clearFaults(): Promise<void>;
  requests(): Promise<readonly RecordedRequest[]>;
  clearRequests(): Promise<void>;
  close(): Promise<void>;
}

const LISTENING = /listening on (http:\/\/\S+)/;

export async function startSimulatorProcess(): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "local/simulator/main.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, SIMULATOR_PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await readUrl(child);

  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${url}/__control/${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
    const json: unknown = await response.json();
    if (!response.ok)
      throw new Error(`simulator control ${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };

  return {
    url,
    pid: child.pid!,
    setTokenBalance: async (balance) => void (await control("POST", "token-balance", { balance })),
    setRateLimit: async (requestsPerSecond) =>
      void (await control("POST", "rate-limit", { requestsPerSecond })),
    injectFault: async (injection) => void (await control("POST", "faults", injection)),
    clearFaults: async () => void (await control("DELETE", "faults")),
    requests: async () => (await control("GET", "requests")) as readonly RecordedRequest[],
    clearRequests: async () => void (await control("DELETE", "requests")),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Resolves with the URL the simulator prints once listening; its output keeps being drained. */
function readUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let banner = "";
    const onData = (chunk: Buffer) => {
      banner += chunk.toString("utf8");
      const match = LISTENING.exec(banner);
      if (match) {
        child.off("exit", onExit);
        // Still listening, so the child never blocks on a full pipe.
        child.stdout!.off("data", onData).resume();
        resolve(match[1]!);
      }
    };
    const onExit = (code: number | null) =>
      reject(new Error(`simulator exited (${String(code)}) before listening`));
    child.stdout!.on("data", onData);
    child.once("exit", onExit);
  });
}
