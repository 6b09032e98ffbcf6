import { CreateTableCommand, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { CreateTopicCommand, PublishCommand, SNSClient, ThrottledException } from "@aws-sdk/client-sns";
import { CreateQueueCommand, QueueDoesNotExist, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { uniqueName, useLocalAws } from "./local-aws-fixture";

/*
 * Injected faults answer with each service's real error, so the SDK's standard retry strategy
 * decides: throttling and 5xx are retried up to maxAttempts, access-denied and not-found are not.
 */

const local = useLocalAws();
let secretName: string;

beforeAll(async () => {
  secretName = uniqueName("markid");
  await new SecretsManagerClient(local.config).send(
    new CreateSecretCommand({ Name: secretName, SecretString: "{}" }),
  );
});

afterEach(() => {
  local.aws.faults.clear();
});

const secrets = (maxAttempts: number) => new SecretsManagerClient({ ...local.config, maxAttempts });

describe("fault injection", () => {
  it("fails the next N calls; the SDK retries through them", async () => {
    const fault = local.aws.faults.inject({
      service: "secretsmanager",
      operation: "GetSecretValue",
      error: "internal",
      count: 2,
    });
    const before = local.aws.calls("secretsmanager", "GetSecretValue");

    const got = await secrets(3).send(new GetSecretValueCommand({ SecretId: secretName }));

    expect(got.SecretString).toBe("{}");
    expect(got.$metadata.attempts).toBe(3);
    expect(local.aws.calls("secretsmanager", "GetSecretValue")).toBe(before + 3);
    expect(fault.hits()).toBe(2);
    expect(local.aws.faults.active()).toEqual([]);
  });

  it("surfaces the service's throttling error once the SDK's attempts run out", async () => {
    const fault = local.aws.faults.inject({ service: "secretsmanager", error: "throttling" });
    const error: unknown = await secrets(2)
      .send(new GetSecretValueCommand({ SecretId: secretName }))
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("ThrottlingException");
    expect(fault.hits()).toBe(2);

    fault.remove();
    await expect(secrets(1).send(new GetSecretValueCommand({ SecretId: secretName }))).resolves.toMatchObject(
      { SecretString: "{}" },
    );
  });

  it("fails only the named operation", async () => {
    local.aws.faults.inject({
      service: "secretsmanager",
      operation: "GetSecretValue",
      error: "access-denied",
    });
    await expect(secrets(1).send(new DescribeSecretCommand({ SecretId: secretName }))).resolves.toMatchObject(
      { Name: secretName },
    );
    const before = local.aws.calls("secretsmanager", "GetSecretValue");
    const error: unknown = await secrets(3)
      .send(new GetSecretValueCommand({ SecretId: secretName }))
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("AccessDeniedException");
    // Not retryable: one call only, whatever maxAttempts allows.
    expect(local.aws.calls("secretsmanager", "GetSecretValue")).toBe(before + 1);
  });

  it("fails calls until untilMs, then serves them again", async () => {
    local.aws.faults.inject({ service: "secretsmanager", error: "internal", untilMs: Date.now() - 1 });
    await expect(secrets(1).send(new GetSecretValueCommand({ SecretId: secretName }))).resolves.toBeDefined();

    local.aws.faults.inject({ service: "secretsmanager", error: "internal", untilMs: Date.now() + 150 });
    const error: unknown = await secrets(1)
      .send(new GetSecretValueCommand({ SecretId: secretName }))
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("InternalServiceError");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(secrets(1).send(new GetSecretValueCommand({ SecretId: secretName }))).resolves.toBeDefined();
  });

  it("resets the connection; the SDK retries the network error", async () => {
    local.aws.faults.inject({
      service: "secretsmanager",
      operation: "GetSecretValue",
      error: "reset",
      count: 1,
    });
    const got = await secrets(2).send(new GetSecretValueCommand({ SecretId: secretName }));
    expect(got.$metadata.attempts).toBe(2);
  });

  it("answers SNS faults in XML: InternalError is retried, Throttled surfaces as ThrottledException", async () => {
    const sns = (maxAttempts: number) => new SNSClient({ ...local.config, maxAttempts });
    const topicArn = (await sns(1).send(new CreateTopicCommand({ Name: uniqueName("alerts") }))).TopicArn!;

    local.aws.faults.inject({ service: "sns", operation: "Publish", error: "internal", count: 1 });
    const published = await sns(2).send(new PublishCommand({ TopicArn: topicArn, Message: "m" }));
    expect(published.$metadata.attempts).toBe(2);
    expect(local.aws.sns.published(topicArn)).toHaveLength(1);

    local.aws.faults.inject({ service: "sns", operation: "Publish", error: "throttling", count: 1 });
    await expect(
      sns(1).send(new PublishCommand({ TopicArn: topicArn, Message: "m" })),
    ).rejects.toBeInstanceOf(ThrottledException);
    expect(local.aws.sns.published(topicArn)).toHaveLength(1);
  });

  it("answers SQS faults with query-compatible errors", async () => {
    const sqs = (maxAttempts: number) => new SQSClient({ ...local.config, maxAttempts });
    const url = (await sqs(1).send(new CreateQueueCommand({ QueueName: uniqueName("requests") }))).QueueUrl!;

    local.aws.faults.inject({ service: "sqs", operation: "SendMessage", error: "throttling", count: 1 });
    const sent = await sqs(2).send(new SendMessageCommand({ QueueUrl: url, MessageBody: "once" }));
    expect(sent.$metadata.attempts).toBe(2);
    expect(local.aws.sqs.counts(url).visible).toBe(1);

    local.aws.faults.inject({ service: "sqs", operation: "SendMessage", error: "not-found", count: 1 });
    const before = local.aws.calls("sqs", "SendMessage");
    await expect(
      sqs(3).send(new SendMessageCommand({ QueueUrl: url, MessageBody: "lost" })),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
    expect(local.aws.calls("sqs", "SendMessage")).toBe(before + 1);
  });

  it("answers DynamoDB faults before the request reaches dynalite", async () => {
    const dynamodb = (maxAttempts: number) => new DynamoDBClient({ ...local.config, maxAttempts });
    const tableName = uniqueName("state");
    await dynamodb(1).send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    const get = new GetItemCommand({ TableName: tableName, Key: { pk: { S: "x" } } });

    local.aws.faults.inject({ service: "dynamodb", operation: "GetItem", error: "internal", count: 1 });
    expect((await dynamodb(2).send(get)).$metadata.attempts).toBe(2);

    local.aws.faults.inject({ service: "dynamodb", operation: "GetItem", error: "access-denied", count: 1 });
    const before = local.aws.calls("dynamodb", "GetItem");
    const error: unknown = await dynamodb(3)
      .send(get)
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("AccessDeniedException");
    expect(local.aws.calls("dynamodb", "GetItem")).toBe(before + 1);
  });
});
