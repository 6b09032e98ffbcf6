import { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll } from "vitest";
import { createAwsClients, type AwsClients } from "../../lib/aws/clients";
import { parseConfig, type Config } from "../../lib/config";
import { ALERT_TYPES } from "../../lib/messages";
import {
  createDependencies,
  type Dependencies,
  type DependencyOverrides,
} from "../../lib/runtime/dependencies";
import {
  localAwsClientConfig,
  localAwsEnvironment,
  provisionLocalResources,
  startLocalAws,
  type LocalAws,
  type ProvisionedResources,
} from "../../local/aws/index";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../local/simulator/index";

export const STACK_SECRET = {
  apiKey: "stack-api-key",
  apiSecret: "stack-api-secret",
  webhookSigningKey: "stack-signing-key",
} as const;

export interface Stack {
  readonly simulator: Simulator;
  readonly aws: LocalAws;
  readonly resources: ProvisionedResources;
  readonly config: Config;
  /** SDK clients pointed at the local gateway (few SDK attempts, so fault tests stay fast). */
  readonly clients: AwsClients;
  readonly sqs: SQSClient;
  /** Fresh dependencies ("a new container") over the same stack. */
  newContainer(overrides?: DependencyOverrides & { readonly env?: Record<string, string> }): Dependencies;
}

let stacks = 0;

/**
 * One Mark ID simulator + local AWS (with the resources serverless.yml declares) per test file,
 * on random loopback ports; real SDK clients and real HTTP throughout.
 */
export function useStack(
  options: { readonly simulator?: SimulatorOptions; readonly env?: Record<string, string> } = {},
): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    const id = `${process.pid}-${++stacks}`;
    const simulator = await startSimulator({
      apiKey: STACK_SECRET.apiKey,
      apiSecret: STACK_SECRET.apiSecret,
      webhookSigningKey: STACK_SECRET.webhookSigningKey,
      webhookRetryIntervalMs: 20,
      ...options.simulator,
    });
    const aws = await startLocalAws();
    const resources = await provisionLocalResources({
      endpoint: aws.url,
      region: aws.region,
      tableName: `state-${id}`,
      eventsTopicName: `events-${id}`,
      alertsTopicName: `alerts-${id}`,
      requestQueueName: `requests-${id}`,
      deadLetterQueueName: `requests-dlq-${id}`,
      resultsQueueName: `results-${id}`,
      resultsDeadLetterQueueName: `results-dlq-${id}`,
      secretName: `markid/test-${id}/api`,
      secretValue: STACK_SECRET,
    });
    const baseEnv = {
      ...resources.environment,
      MARKID_BASE_URL: simulator.url,
      STAGE: "test",
      RETRY_BASE_DELAY_MS: "5",
      RETRY_RATE_LIMITED_BASE_DELAY_MS: "10",
      RETRY_MAX_DELAY_MS: "50",
      MARKID_TIMEOUT_MS: "2000",
      MARKID_RATE_LIMIT_PER_HOUR: "3600000",
      ...options.env,
    };
    const config = parseConfig(baseEnv)._unsafeUnwrap();
    const clients = createAwsClients({ ...localAwsClientConfig(aws.url, aws.region), maxAttempts: 2 });
    const sqs = new SQSClient({ ...localAwsClientConfig(aws.url, aws.region), maxAttempts: 2 });
    stack = {
      simulator,
      aws,
      resources,
      config,
      clients,
      sqs,
      newContainer: (overrides = {}) => {
        const containerConfig = overrides.env
          ? parseConfig({ ...baseEnv, ...overrides.env })._unsafeUnwrap()
          : config;
        return createDependencies(containerConfig, { aws: clients, sqs, ...overrides });
      },
    };
  });
  afterAll(async () => {
    if (!stack) return;
    for (const client of [stack.clients.secretsManager, stack.clients.sns, stack.clients.dynamodb, stack.sqs])
      client.destroy();
    await stack.simulator.close();
    await stack.aws.close();
  });
  return () => {
    if (!stack) throw new Error("stack not started yet: call inside a test or hook");
    return stack;
  };
}

/**
 * Back to a clean stack between tests: no injected faults, the default token balance and key pair,
 * no alert firing, and no recorded messages, Mark ID requests or AWS calls.
 */
export async function resetStack(s: Stack): Promise<void> {
  s.simulator.control.clearFaults();
  s.aws.faults.clear();
  s.simulator.control.setTokenBalance(1000);
  s.simulator.control.rotateCredentials(STACK_SECRET.apiKey, STACK_SECRET.apiSecret);
  const deps = s.newContainer();
  for (const type of ALERT_TYPES) (await deps.alerter.clear(type, "test reset"))._unsafeUnwrap();
  s.aws.sns.clear();
  s.simulator.control.clearRequests();
  s.aws.resetCalls();
}

/**
 * The environment a deployed handler would have, for a file that builds handlers from
 * process.env: the stack's resources, the local AWS endpoint and the simulator as Mark ID, plus
 * `extra` (STAGE, a rate limit...). Set before the file's tests, the previous environment restored
 * after them. Call after useStack.
 */
export function useHandlerEnvironment(stack: () => Stack, extra: Readonly<Record<string, string>>): void {
  const saved = { ...process.env };
  beforeAll(() => {
    const { aws, resources, simulator } = stack();
    Object.assign(process.env, resources.environment, localAwsEnvironment(aws.url, aws.region), {
      MARKID_BASE_URL: simulator.url,
      ...extra,
    });
  });
  afterAll(() => {
    process.env = saved;
  });
}
