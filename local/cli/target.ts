import { GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { localAwsClientConfig, type LocalAwsClientConfig } from "../aws/index";
import { resourceNames, type ResourceNames } from "../stack/functions";
import { DEFAULT_PORTS } from "../stack/settings";
import { announceNodeVersion } from "../node-version-notice";
import { UsageError, usageLine } from "./command-line";

/** Where the running stack is, found the way `npm start` chose it: defaults, or the same env overrides. */
export interface Target {
  readonly awsEndpoint: string;
  readonly region: string;
  readonly simulatorUrl: string;
  readonly names: ResourceNames;
  /** For the SDK clients: the local endpoint and keys, or (a deployed stage) the region alone. */
  readonly clientConfig: LocalAwsClientConfig | { readonly region: string };
}

export function targetFromEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Target {
  const region = env["AWS_REGION"] || "eu-west-1";
  const awsEndpoint =
    env["AWS_ENDPOINT_URL"] || `http://127.0.0.1:${env["LOCAL_AWS_PORT"] || DEFAULT_PORTS.aws}`;
  return {
    awsEndpoint,
    region,
    simulatorUrl:
      env["SIMULATOR_URL"] || `http://127.0.0.1:${env["SIMULATOR_PORT"] || DEFAULT_PORTS.simulator}`,
    names: resourceNames(env["LOCAL_STAGE"] || "local"),
    clientConfig: localAwsClientConfig(awsEndpoint, region),
  };
}

export async function queueUrl(sqs: SQSClient, name: string): Promise<string> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  if (QueueUrl === undefined) throw new Error(`no queue ${name}`);
  return QueueUrl;
}

/**
 * Runs a command; a failure prints one line (with a hint when nothing is listening) and exits 1,
 * a bad argument found while running (UsageError) exits 2 like one parseArgs refused.
 */
export function runCli(name: string, target: Target, main: () => Promise<void>): void {
  announceNodeVersion();
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(usageLine(name, error));
        process.exit(2);
      }
      console.error(`${name}: ${describeFailure(error, target)}`);
      process.exit(1);
    },
  );
}

function describeFailure(error: unknown, target: Target): string {
  const text = error instanceof Error ? error.message : String(error);
  return isConnectionRefused(error)
    ? `${text}\nNothing answers at ${target.awsEndpoint} or ${target.simulatorUrl}: is \`npm start\` running? ` +
        "It may listen elsewhere: this command reads the same LOCAL_AWS_PORT, SIMULATOR_PORT, AWS_ENDPOINT_URL."
    : text;
}

function isConnectionRefused(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== "object" || error === null) return false;
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (e.code === "ECONNREFUSED") return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isConnectionRefused(inner, depth + 1))) return true;
  return isConnectionRefused(e.cause, depth + 1);
}
