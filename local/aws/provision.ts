import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { stateTableDefinition } from "../../lib/aws/state-table";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueNameExists,
  SetQueueAttributesCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";

/*
 * Creates the resources the functions expect (design §4.2) through the real SDK clients, so it
 * works against the local gateway and against LocalStack alike. Re-running it is safe: existing
 * resources are kept, the secret gets the given value as a new AWSCURRENT version, and the
 * request queue's attributes are updated to the given ones.
 */

/** The Mark ID credentials as the secret stores them (design §4.2, MARKID_SECRET_ID). */
export interface MarkIdSecretValue {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly webhookSigningKey: string;
}

export interface ProvisionConfig {
  /** The AWS endpoint: the local gateway's url, or LocalStack's. Required, so a slip never provisions real AWS. */
  readonly endpoint: string;
  /** Default eu-west-1. */
  readonly region?: string;
  /** Default local/local (any value works against the gateway; LocalStack accepts any too). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly tableName: string;
  readonly eventsTopicName: string;
  readonly alertsTopicName: string;
  readonly requestQueueName: string;
  readonly deadLetterQueueName: string;
  /** The results queue (RESULTS_QUEUE_URL) and its dead-letter queue. */
  readonly resultsQueueName: string;
  readonly resultsDeadLetterQueueName: string;
  /** The erasures queue (erase-person) and its dead-letter queue: made when named. */
  readonly erasuresQueueName?: string;
  readonly erasuresDeadLetterQueueName?: string;
  readonly secretName: string;
  readonly secretValue: MarkIdSecretValue;
  /** Receives of a request before it moves to the dead-letter queue. Default 3. */
  readonly maxReceiveCount?: number;
  /** The request queue's visibility timeout. Default 30. */
  readonly visibilityTimeoutSeconds?: number;
  /** The results queue's visibility timeout: how soon a given-back result is tried again. Default 30. */
  readonly resultsVisibilityTimeoutSeconds?: number;
  /** The erasures queue's; 30 s when absent (serverless.yml: an hour). */
  readonly erasuresVisibilityTimeoutSeconds?: number;
  /** Receives before an erasure request goes to its DLQ; 72 when absent, as serverless.yml. */
  readonly erasuresMaxReceiveCount?: number;
  /** Receives of a result before it moves to the results dead-letter queue. Default 10. */
  readonly resultsMaxReceiveCount?: number;
}

export interface ProvisionedResources {
  readonly tableName: string;
  readonly tableArn: string;
  readonly eventsTopicArn: string;
  readonly alertsTopicArn: string;
  readonly requestQueueUrl: string;
  readonly requestQueueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
  readonly resultsQueueUrl: string;
  readonly resultsQueueArn: string;
  readonly resultsDeadLetterQueueUrl: string;
  readonly resultsDeadLetterQueueArn: string;
  /** When the config named the erasures queue. */
  readonly erasuresQueueUrl?: string;
  readonly erasuresQueueArn?: string;
  readonly erasuresDeadLetterQueueUrl?: string;
  readonly secretName: string;
  readonly secretArn: string;
  /** The configuration variables that name these resources, for the functions' environment. */
  readonly environment: {
    readonly MARKID_SECRET_ID: string;
    readonly EVENTS_TOPIC_ARN: string;
    readonly ALERTS_TOPIC_ARN: string;
    readonly STATE_TABLE: string;
    readonly RESULTS_QUEUE_URL: string;
  };
}

/** Creates (or finds) every resource; rejects with the SDK's error if one cannot be made. */
export async function provisionLocalResources(config: ProvisionConfig): Promise<ProvisionedResources> {
  const clientConfig = {
    endpoint: config.endpoint,
    region: config.region ?? "eu-west-1",
    credentials: config.credentials ?? { accessKeyId: "local", secretAccessKey: "local" },
  };
  const dynamodb = new DynamoDBClient(clientConfig);
  const sns = new SNSClient(clientConfig);
  const sqs = new SQSClient(clientConfig);
  const secrets = new SecretsManagerClient(clientConfig);
  try {
    const [tableArn, eventsTopicArn, alertsTopicArn, queues, erasures, secretArn] = await Promise.all([
      createStateTable(dynamodb, config.tableName),
      createTopic(sns, config.eventsTopicName),
      createTopic(sns, config.alertsTopicName),
      createQueues(sqs, config),
      createErasuresQueue(sqs, config),
      putSecret(secrets, config.secretName, config.secretValue),
    ]);
    return {
      tableName: config.tableName,
      tableArn,
      eventsTopicArn,
      alertsTopicArn,
      ...queues,
      ...erasures,
      secretName: config.secretName,
      secretArn,
      environment: {
        MARKID_SECRET_ID: secretArn,
        EVENTS_TOPIC_ARN: eventsTopicArn,
        ALERTS_TOPIC_ARN: alertsTopicArn,
        STATE_TABLE: config.tableName,
        RESULTS_QUEUE_URL: queues.resultsQueueUrl,
      },
    };
  } finally {
    for (const client of [dynamodb, sns, sqs, secrets]) client.destroy();
  }
}

/**
 * The single-table design, with its sparse open-sessions index, on-demand. TTL is declared in
 * serverless.yml; dynalite has no UpdateTimeToLive, so it is not set here.
 */
async function createStateTable(client: DynamoDBClient, tableName: string): Promise<string> {
  try {
    await client.send(new CreateTableCommand(stateTableDefinition(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  // Short delays: the gateway's tables are ACTIVE at once, LocalStack's within a second or two.
  await waitUntilTableExists({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 60 }, { TableName: tableName });
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  return required(described.Table?.TableArn, `DescribeTable ${tableName} returned no TableArn`);
}

async function createTopic(client: SNSClient, name: string): Promise<string> {
  const created = await client.send(new CreateTopicCommand({ Name: name }));
  return required(created.TopicArn, `CreateTopic ${name} returned no TopicArn`);
}

/** As serverless.yml, but redelivered after 30 s (or as set), not an hour: a pending erasure is seen again soon. */
async function createErasuresQueue(
  client: SQSClient,
  config: ProvisionConfig,
): Promise<
  Pick<ProvisionedResources, "erasuresQueueUrl" | "erasuresQueueArn" | "erasuresDeadLetterQueueUrl">
> {
  if (config.erasuresQueueName === undefined || config.erasuresDeadLetterQueueName === undefined) return {};
  const deadLetterUrl = await createQueue(client, config.erasuresDeadLetterQueueName, {});
  const erasuresQueueUrl = await createQueue(client, config.erasuresQueueName, {
    VisibilityTimeout: String(config.erasuresVisibilityTimeoutSeconds ?? 30),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: await queueArn(client, deadLetterUrl),
      maxReceiveCount: config.erasuresMaxReceiveCount ?? 72,
    }),
  });
  return {
    erasuresQueueUrl,
    erasuresQueueArn: await queueArn(client, erasuresQueueUrl),
    erasuresDeadLetterQueueUrl: deadLetterUrl,
  };
}

async function createQueues(
  client: SQSClient,
  config: ProvisionConfig,
): Promise<
  Pick<
    ProvisionedResources,
    | "requestQueueUrl"
    | "requestQueueArn"
    | "deadLetterQueueUrl"
    | "deadLetterQueueArn"
    | "resultsQueueUrl"
    | "resultsQueueArn"
    | "resultsDeadLetterQueueUrl"
    | "resultsDeadLetterQueueArn"
  >
> {
  const deadLetterQueueUrl = await createQueue(client, config.deadLetterQueueName, {});
  const deadLetterQueueArn = await queueArn(client, deadLetterQueueUrl);
  const requestQueueUrl = await createQueue(client, config.requestQueueName, {
    VisibilityTimeout: String(config.visibilityTimeoutSeconds ?? 30),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetterQueueArn,
      maxReceiveCount: config.maxReceiveCount ?? 3,
    }),
  });
  // 1 MiB as serverless.yml: a queued delivery wraps a webhook body of up to 256 KB.
  const resultsDeadLetterQueueUrl = await createQueue(client, config.resultsDeadLetterQueueName, {
    MaximumMessageSize: RESULTS_MAXIMUM_MESSAGE_SIZE,
  });
  const resultsDeadLetterQueueArn = await queueArn(client, resultsDeadLetterQueueUrl);
  const resultsQueueUrl = await createQueue(client, config.resultsQueueName, {
    MaximumMessageSize: RESULTS_MAXIMUM_MESSAGE_SIZE,
    VisibilityTimeout: String(config.resultsVisibilityTimeoutSeconds ?? 30),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: resultsDeadLetterQueueArn,
      maxReceiveCount: config.resultsMaxReceiveCount ?? 10,
    }),
  });
  return {
    requestQueueUrl,
    requestQueueArn: await queueArn(client, requestQueueUrl),
    deadLetterQueueUrl,
    deadLetterQueueArn,
    resultsQueueUrl,
    resultsQueueArn: await queueArn(client, resultsQueueUrl),
    resultsDeadLetterQueueUrl,
    resultsDeadLetterQueueArn,
  };
}

const RESULTS_MAXIMUM_MESSAGE_SIZE = "1048576";

/** CreateQueue, or — when the queue exists with other attributes — SetQueueAttributes on it. */
async function createQueue(
  client: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<string> {
  try {
    const created = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    return required(created.QueueUrl, `CreateQueue ${name} returned no QueueUrl`);
  } catch (error) {
    if (!(error instanceof QueueNameExists)) throw error;
    const found = await client.send(new GetQueueUrlCommand({ QueueName: name }));
    const url = required(found.QueueUrl, `GetQueueUrl ${name} returned no QueueUrl`);
    await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
    return url;
  }
}

async function queueArn(client: SQSClient, url: string): Promise<string> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
  );
  return required(Attributes?.QueueArn, `GetQueueAttributes ${url} returned no QueueArn`);
}

async function putSecret(
  client: SecretsManagerClient,
  name: string,
  value: MarkIdSecretValue,
): Promise<string> {
  const secretString = JSON.stringify(value);
  try {
    const created = await client.send(new CreateSecretCommand({ Name: name, SecretString: secretString }));
    return required(created.ARN, `CreateSecret ${name} returned no ARN`);
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
    const updated = await client.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: secretString }),
    );
    return required(updated.ARN, `PutSecretValue ${name} returned no ARN`);
  }
}

function required<T>(value: T | undefined, problem: string): T {
  if (value === undefined) throw new Error(problem);
  return value;
}
