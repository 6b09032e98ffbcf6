import { randomUUID } from "node:crypto";
import type { SQSEvent } from "aws-lambda";
import { createAwsClients } from "../../lib/aws/clients";
import { parseConfig } from "../../lib/config";
import {
  createDependencies,
  type Dependencies,
  type DependencyOverrides,
} from "../../lib/runtime/dependencies";
import { localAwsClientConfig } from "../../local/aws/index";
import { FUNCTIONS } from "../../local/stack/functions";
import { lambdaContext } from "../../local/stack/lambda-context";
import { toSqsRecord } from "../../local/stack/sqs-event";
import { startLocalAwsProcess, type LocalAwsProcess } from "./local-aws-process";
import { SIMULATOR_CREDENTIALS, startSimulatorProcess, type SimulatorProcess } from "./simulator-process";

/**
 * The start-verification handler as Lambda runs it, for the figures that need the real thing:
 * the exported handler factory (functions/start-verification.ts) over a container's
 * dependencies (lib/runtime/dependencies.ts) with real SDK clients, the Mark ID simulator and
 * local AWS each in a process of their own, SQS events shaped as the event source makes them.
 */
export interface StartVerificationBench {
  readonly simulator: SimulatorProcess;
  readonly aws: LocalAwsProcess;
  /** A fresh container (own credentials cache, retry budget, rate limiter) with these settings. */
  newContainer(env?: Record<string, string>, overrides?: DependencyOverrides): Promise<Container>;
  close(): Promise<void>;
}

export interface Container {
  readonly deps: Dependencies;
  /** One invocation with these request bodies as one SQS batch. */
  invoke(bodies: readonly unknown[]): Promise<Invocation>;
}

interface Invocation {
  readonly wallMs: number;
  readonly givenBack: number;
}

const SECRET = { ...SIMULATOR_CREDENTIALS, webhookSigningKey: "bench-webhook-signing-key" };

export async function startStartVerificationBench(): Promise<StartVerificationBench> {
  // Read by the logger and metrics when the handler module is first imported. As deployed: INFO
  // logs and EMF metrics on; their lines are formatted and then dropped (see muteStdout).
  process.env.POWERTOOLS_SERVICE_NAME ??= "markid-serverless";
  const { createHandler } = await import("../../functions/start-verification");
  const started = await Promise.allSettled([startSimulatorProcess(), startLocalAwsProcess(SECRET)]);
  const [simulatorStart, awsStart] = started;
  if (simulatorStart.status === "rejected" || awsStart.status === "rejected") {
    // Neither child is left running when the other could not start.
    for (const start of started) if (start.status === "fulfilled") await start.value.close();
    throw simulatorStart.status === "rejected"
      ? simulatorStart.reason
      : (awsStart as PromiseRejectedResult).reason;
  }
  const simulator = simulatorStart.value;
  const aws = awsStart.value;
  await simulator.setTokenBalance(1_000_000_000);
  const clients: ReturnType<typeof createAwsClients>[] = [];
  const baseEnv = { ...aws.resources.environment, MARKID_BASE_URL: simulator.url, STAGE: "bench" };

  return {
    simulator,
    aws,
    newContainer: async (env = {}, overrides = {}) => {
      const config = parseConfig({ ...baseEnv, ...env })._unsafeUnwrap();
      const awsClients = createAwsClients(localAwsClientConfig(aws.url, aws.region));
      clients.push(awsClients);
      const deps = createDependencies(config, { aws: awsClients, ...overrides });
      const handler = createHandler(() => deps);
      // The secret read of a container's first record is not part of any figure.
      await deps.credentials.get().match(
        () => undefined,
        (error) => {
          throw new Error(`reading the bench secret failed: ${JSON.stringify(error)}`);
        },
      );
      return {
        deps,
        invoke: async (bodies) => {
          const event = sqsEvent(bodies, aws);
          const context = lambdaContext(FUNCTIONS.startVerification, aws.region, "bench");
          const started = performance.now();
          const response = await muteStdout(() => handler(event, context));
          return {
            wallMs: performance.now() - started,
            givenBack: response.batchItemFailures.length,
          };
        },
      };
    },
    close: async () => {
      for (const set of clients) {
        set.secretsManager.destroy();
        set.sns.destroy();
        set.dynamodb.destroy();
      }
      await Promise.all([simulator.close(), aws.close()]);
    },
  };
}

/** A verification request body with a fresh requestId. */
export const requestBody = (label: string) => ({
  requestId: `bench-${label}-${randomUUID()}`,
  clientId: `bench-${label}`,
});

function sqsEvent(bodies: readonly unknown[], aws: LocalAwsProcess): SQSEvent {
  const now = String(Date.now());
  return {
    Records: bodies.map((body) =>
      toSqsRecord(
        {
          MessageId: randomUUID(),
          ReceiptHandle: randomUUID(),
          Body: JSON.stringify(body),
          Attributes: {
            ApproximateReceiveCount: "1",
            SentTimestamp: now,
            ApproximateFirstReceiveTimestamp: now,
          },
        },
        aws.resources.requestQueueArn,
        aws.region,
      ),
    ),
  };
}

/**
 * Drops what the handler writes to stdout while `action` runs: its JSON log lines and EMF metric
 * blobs are still built (their cost is part of the handler's), only not printed over the report.
 * Counted, so that overlapping invocations (two containers at once) restore stdout only when the
 * last one ends.
 */
let muted = 0;
const realWrite = process.stdout.write;
const dropWrite = ((_chunk: unknown, encodingOrCallback?: unknown, callback?: unknown) => {
  const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
  if (typeof done === "function") queueMicrotask(() => (done as () => void)());
  return true;
}) as typeof process.stdout.write;

async function muteStdout<T>(action: () => Promise<T>): Promise<T> {
  if (muted++ === 0) process.stdout.write = dropWrite;
  try {
    return await action();
  } finally {
    if (--muted === 0) process.stdout.write = realWrite;
  }
}
