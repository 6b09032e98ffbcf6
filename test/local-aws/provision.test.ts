import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ListTopicsCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { provisionLocalResources, type ProvisionConfig } from "../../local/aws/provision";
import { uniqueName, useLocalAws } from "./local-aws-fixture";

const local = useLocalAws();

function names(): Omit<ProvisionConfig, "endpoint" | "secretValue"> {
  return {
    tableName: uniqueName("markid-state"),
    eventsTopicName: uniqueName("markid-events"),
    alertsTopicName: uniqueName("markid-alerts"),
    requestQueueName: uniqueName("markid-requests"),
    deadLetterQueueName: uniqueName("markid-requests-dlq"),
    resultsQueueName: uniqueName("markid-results"),
    resultsDeadLetterQueueName: uniqueName("markid-results-dlq"),
    secretName: uniqueName("markid/credentials"),
  };
}

const secretValue = {
  apiKey: "local-key",
  apiSecret: "local-secret",
  webhookSigningKey: "local-signing-key",
};

describe("provisionLocalResources", () => {
  it("creates the table, topics, queues and secret the functions expect", async () => {
    const config = { endpoint: local.aws.url, secretValue, ...names() };
    const resources = await provisionLocalResources(config);

    const table = await new DynamoDBClient(local.config).send(
      new DescribeTableCommand({ TableName: config.tableName }),
    );
    expect(table.Table).toMatchObject({
      TableArn: resources.tableArn,
      TableStatus: "ACTIVE",
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingModeSummary: { BillingMode: "PAY_PER_REQUEST" },
    });

    const topics = (await new SNSClient(local.config).send(new ListTopicsCommand({}))).Topics?.map(
      (t) => t.TopicArn,
    );
    expect(topics).toEqual(expect.arrayContaining([resources.eventsTopicArn, resources.alertsTopicArn]));
    expect(resources.eventsTopicArn).toBe(`arn:aws:sns:eu-west-1:000000000000:${config.eventsTopicName}`);

    const queue = await new SQSClient(local.config).send(
      new GetQueueAttributesCommand({ QueueUrl: resources.requestQueueUrl, AttributeNames: ["All"] }),
    );
    expect(queue.Attributes?.QueueArn).toBe(resources.requestQueueArn);
    expect(JSON.parse(queue.Attributes!.RedrivePolicy!)).toEqual({
      deadLetterTargetArn: resources.deadLetterQueueArn,
      maxReceiveCount: 3,
    });
    expect(resources.deadLetterQueueUrl).toBe(`${local.aws.url}/000000000000/${config.deadLetterQueueName}`);
    const results = await new SQSClient(local.config).send(
      new GetQueueAttributesCommand({ QueueUrl: resources.resultsQueueUrl, AttributeNames: ["All"] }),
    );
    expect(JSON.parse(results.Attributes!.RedrivePolicy!)).toEqual({
      deadLetterTargetArn: resources.resultsDeadLetterQueueArn,
      maxReceiveCount: 10,
    });
    // The reconciler's and the eraser's sparse indexes are there, as serverless.yml declares them.
    expect(table.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual([
      "open-sessions",
      "client-sessions",
    ]);

    const secret = await new SecretsManagerClient(local.config).send(
      new GetSecretValueCommand({ SecretId: resources.secretArn }),
    );
    expect(JSON.parse(secret.SecretString!)).toEqual(secretValue);

    expect(resources.environment).toEqual({
      MARKID_SECRET_ID: resources.secretArn,
      EVENTS_TOPIC_ARN: resources.eventsTopicArn,
      ALERTS_TOPIC_ARN: resources.alertsTopicArn,
      STATE_TABLE: config.tableName,
      RESULTS_QUEUE_URL: resources.resultsQueueUrl,
    });
  });

  it("can run again: keeps what exists, updates the secret and the redrive policy", async () => {
    const config = { endpoint: local.aws.url, secretValue, ...names() };
    const first = await provisionLocalResources(config);
    const rotated = { ...secretValue, apiSecret: "rotated-secret" };
    const second = await provisionLocalResources({ ...config, secretValue: rotated, maxReceiveCount: 5 });

    expect(second).toMatchObject({
      tableArn: first.tableArn,
      eventsTopicArn: first.eventsTopicArn,
      requestQueueUrl: first.requestQueueUrl,
      secretArn: first.secretArn,
    });
    expect(local.aws.secrets.current(first.secretArn)?.secretString).toBe(JSON.stringify(rotated));
    const queue = await new SQSClient(local.config).send(
      new GetQueueAttributesCommand({ QueueUrl: second.requestQueueUrl, AttributeNames: ["RedrivePolicy"] }),
    );
    expect(JSON.parse(queue.Attributes!.RedrivePolicy!)).toMatchObject({ maxReceiveCount: 5 });
  });
});
