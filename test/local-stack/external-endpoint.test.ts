import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localAwsClientConfig, startLocalAws, type LocalAws } from "../../local/aws/index";
import { startLocalStack, type LocalStack } from "../../local/stack/stack";

// `AWS_ENDPOINT_URL=http://localhost:4566 npm start` with LocalStack: the stack starts no gateway
// of its own, provisions at the given endpoint through the SDK and watches the topics with a
// subscribed queue. A second local gateway stands in for LocalStack here. One stack per process.

let external: LocalAws;
let stack: LocalStack;

beforeAll(async () => {
  external = await startLocalAws();
  stack = await startLocalStack({
    simulatorPort: 0,
    awsPort: 0,
    webhookPort: 0,
    awsEndpoint: external.url,
    stage: "ext",
    credentialCheckIntervalSeconds: 3600,
  });
});
afterAll(async () => {
  await stack.close();
  await external.close();
});

describe("the local stack against an existing AWS endpoint", () => {
  it("provisions there and points the handlers at it", () => {
    expect(stack.aws).toBeUndefined();
    expect(stack.awsEndpoint).toBe(external.url);
    expect(external.sqs.queues().map((q) => q.name)).toEqual(
      expect.arrayContaining(["markid-serverless-ext-requests", "markid-serverless-ext-requests-dlq"]),
    );
    expect(external.secrets.names()).toContain("markid/ext/api");
    expect(stack.functionEnvironment["AWS_ENDPOINT_URL"]).toBe(external.url);
    expect(process.env["AWS_ENDPOINT_URL"]).toBe(external.url);
    expect(stack.functionEnvironment["EVENTS_TOPIC_ARN"]).toBe(stack.resources.eventsTopicArn);
  });

  it("sees what is published on the topics through its subscribed queue", async () => {
    const sns = new SNSClient(localAwsClientConfig(external.url, external.region));
    await sns.send(
      new PublishCommand({
        TopicArn: stack.resources.alertsTopicArn,
        Message: JSON.stringify({ type: "markid.unavailable", state: "firing", count: 1 }),
        MessageAttributes: {
          type: { DataType: "String", StringValue: "markid.unavailable" },
          state: { DataType: "String", StringValue: "firing" },
        },
      }),
    );
    sns.destroy();
    const seen = await stack.published.waitFor("the alert", (r) => r.type === "markid.unavailable", 5000);
    expect(seen).toMatchObject({ topic: "alerts", state: "firing", body: { count: 1 } });
  });

  it("refuses an endpoint that is not local", async () => {
    await expect(startLocalStack({ awsEndpoint: "https://sqs.eu-west-1.amazonaws.com" })).rejects.toThrow(
      /not a local endpoint/,
    );
  });
});
