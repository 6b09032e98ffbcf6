import { randomUUID } from "node:crypto";
import type { ScheduledEvent } from "aws-lambda";
import { LOCAL_ACCOUNT_ID } from "../aws/index";
import type { FunctionDefinition } from "./functions";
import type { ScheduleHandler } from "./handlers";
import { invoke, type Invocation } from "./lambda-context";

/** The EventBridge "Scheduled Event" a schedule rule sends, as serverless.yml's `schedule` event does. */
export function scheduledEvent(ruleName: string, region: string, now = new Date()): ScheduledEvent {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: LOCAL_ACCOUNT_ID,
    time: now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    region,
    resources: [`arn:aws:events:${region}:${LOCAL_ACCOUNT_ID}:rule/${ruleName}`],
    detail: {},
  };
}

export interface ScheduleOptions {
  readonly fn: FunctionDefinition;
  readonly handler: ScheduleHandler;
  readonly intervalMs: number;
  readonly region: string;
  readonly stage: string;
  readonly ruleName: string;
  readonly onRun?: (invocation: Invocation<unknown>) => void;
}

export interface Schedule {
  /** Runs the function now (outside the timer), and waits for it. */
  runNow(): Promise<Invocation<unknown>>;
  stop(): Promise<void>;
}

/**
 * A schedule rule: invokes the function every `intervalMs`, starting now. A tick that comes while
 * the previous run is still going is skipped rather than stacked (a rate rule can overlap runs in
 * AWS, but locally the runs would only queue up behind a slow simulator).
 */
export function startSchedule(options: ScheduleOptions): Schedule {
  let current: Promise<Invocation<unknown>> | undefined;
  const run = (): Promise<Invocation<unknown>> => {
    const invocation = invoke(
      options.handler,
      scheduledEvent(options.ruleName, options.region),
      options.fn,
      options.region,
      options.stage,
    ).then((result) => {
      options.onRun?.(result);
      return result;
    });
    const tracked = invocation.finally(() => {
      if (current === tracked) current = undefined;
    });
    current = tracked;
    return invocation;
  };
  const tick = () => {
    if (current === undefined) void run();
  };
  const timer = setInterval(tick, options.intervalMs);
  tick();
  return {
    runNow: run,
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}
