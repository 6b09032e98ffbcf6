import { startDynamoDbProxy } from "./dynamodb-proxy";
import { CallCounter, FaultInjector, type Faults } from "./faults";
import { startGateway } from "./gateway";
import type { ServiceName } from "./ids";
import { SecretsManagerService, type SecretsInspector } from "./secrets-manager";
import { SNS_XMLNS, SnsService, type SnsInspector } from "./sns";
import { SqsService, type SqsInspector } from "./sqs";

export type { FaultSpec } from "./faults";
export { LOCAL_ACCOUNT_ID } from "./ids";
export type { PublishedMessage } from "./sns";
export type { SqsInspector, SqsMessageSnapshot } from "./sqs";

export interface LocalAwsOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** Default eu-west-1; used in every ARN the local services make. */
  readonly region?: string;
}

/** Secrets Manager, SNS, SQS and DynamoDB on one local endpoint, for the real AWS SDK clients. */
export interface LocalAws {
  /** The endpoint for SDK clients and AWS_ENDPOINT_URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly region: string;
  readonly secrets: SecretsInspector;
  readonly sns: SnsInspector;
  readonly sqs: SqsInspector;
  readonly faults: Faults;
  /** Requests received (faulted ones and SDK retries included) for one operation, or for the whole service. */
  calls(service: ServiceName, operation?: string): number;
  resetCalls(): void;
  /** Ends long polls, stops the gateway and the embedded DynamoDB. */
  close(): Promise<void>;
}

export interface LocalAwsClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** Options for any `@aws-sdk/client-*` constructor that point it at the local endpoint. */
export function localAwsClientConfig(url: string, region = "eu-west-1"): LocalAwsClientConfig {
  return { endpoint: url, region, credentials: { accessKeyId: "local", secretAccessKey: "local" } };
}

/**
 * The environment that points code which builds its own SDK clients (the Lambda handlers, a
 * child process) at the local endpoint, through the SDK's own AWS_ENDPOINT_URL support.
 */
export function localAwsEnvironment(url: string, region = "eu-west-1"): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
  };
}

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const region = options.region ?? "eu-west-1";
  let url = "";
  const sqs = new SqsService(region, () => url);
  const sns = new SnsService(region, sqs);
  const secretsManager = new SecretsManagerService(region);
  const faults = new FaultInjector();
  const calls = new CallCounter();
  const dynamodb = await startDynamoDbProxy();
  const gateway = await startGateway(
    { secretsManager, sqs, sns, snsXmlns: SNS_XMLNS, dynamodb, faults, calls },
    options.host ?? "127.0.0.1",
    options.port ?? 0,
  ).catch(async (error: unknown) => {
    await dynamodb.close();
    throw error;
  });
  url = gateway.url;

  return {
    url,
    region,
    secrets: secretsManager.inspector,
    sns: sns.inspector,
    sqs: sqs.inspector,
    faults,
    calls: (service, operation) => calls.count(service, operation),
    resetCalls: () => calls.reset(),
    close: async () => {
      sqs.close();
      faults.clear();
      await Promise.all([gateway.close(), dynamodb.close()]);
    },
  };
}

export { provisionLocalResources, type MarkIdSecretValue, type ProvisionedResources } from "./provision";
