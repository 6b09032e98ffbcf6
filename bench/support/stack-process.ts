import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import type { ChaosOptions } from "../../local/chaos/options";
import { REPO_ROOT } from "./simulator-process";
import type { WebhookTarget } from "./webhook-delivery";

/*
 * The local stack (local/stack, what `npm start` runs) in a process of its own, for the figures
 * that need all of it. Its own process for two reasons: the handlers read their configuration once
 * per process, so one process runs one stack (local/stack/handlers.ts), and the benchmark's load
 * (fetch calls) then runs on the other core instead of on the stack's thread. The child talks over
 * Node's IPC channel; its stdout (the handlers' log lines) is discarded, as CloudWatch's would be
 * to the function.
 */

/** What the stack process says once it listens. */
export interface StackReady extends WebhookTarget {
  readonly kind: "ready";
  /** The results poller's settings, as the stack runs them. */
  readonly resultsBatchingWindowMs: number;
  readonly resultsBatchSize: number;
  readonly receiveWaitSeconds: number;
}

/** A verification.completed event the local SNS took, with Date.now() at that moment. */
export interface CompletedEvent {
  readonly scanRef: string;
  readonly at: number;
  readonly sequence: number | undefined;
}

export type StackRequest = { readonly kind: "completed" } | { readonly kind: "close" };
export type StackReply = { readonly kind: "completed"; readonly events: readonly CompletedEvent[] };

export interface StackProcess extends StackReady {
  /** Every verification.completed published so far. */
  completed(): Promise<readonly CompletedEvent[]>;
  close(): Promise<void>;
}

export async function startStackProcess(): Promise<StackProcess> {
  const child = spawnWithIpc("bench/support/stack-main.ts", {});
  const ready = await nextMessage<StackReady>(child, "the local stack");
  return {
    ...ready,
    completed: async () => {
      const reply = nextMessage<StackReply>(child, "the local stack");
      child.send({ kind: "completed" } satisfies StackRequest);
      return (await reply).events;
    },
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.send({ kind: "close" } satisfies StackRequest);
      await exited;
    },
  };
}

/** What a chaos run in its own process reports back (local/chaos/run.ts ChaosReport, in part). */
export interface ChaosOutcome {
  readonly wallMs: number;
  readonly finished: boolean;
  readonly reconciliation: { readonly runs: number; readonly finished: boolean };
  readonly results: {
    readonly sessions: number;
    readonly neverDelivered: number;
    readonly recovered: number;
    readonly statusCalls: number;
    readonly sessionsAsked: number;
    readonly statusCallsPerSessionAsked: number;
    readonly askedAfterFinal: number;
  };
}

/** `runChaos(options)` in a child process (it starts a local stack of its own). */
export async function runChaosProcess(options: Partial<ChaosOptions>): Promise<ChaosOutcome> {
  const child = spawnWithIpc("bench/support/chaos-main.ts", { BENCH_CHAOS_OPTIONS: JSON.stringify(options) });
  const outcome = await nextMessage<ChaosOutcome>(child, "the chaos run");
  if (child.exitCode === null && child.signalCode === null) await once(child, "exit");
  return outcome;
}

/**
 * BENCH_CHILD_ARGS adds Node flags to the child, to look inside a figure:
 * `BENCH_CHILD_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- --only webhook-burst`.
 */
function spawnWithIpc(script: string, env: Record<string, string>): ChildProcess {
  const nodeFlags = process.env.BENCH_CHILD_ARGS?.split(" ").filter(Boolean) ?? [];
  return spawn(process.execPath, [...nodeFlags, "--import", "tsx", script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
}

/** The child's next message, or an error when it exits first. */
function nextMessage<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      child.off("exit", onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null, signal: string | null) => {
      child.off("message", onMessage);
      reject(new Error(`${what} exited (${String(code ?? signal)}) before it answered`));
    };
    child.once("message", onMessage);
    child.once("exit", onExit);
  });
}
