import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  localAwsClientConfig,
  provisionLocalResources,
  startLocalAws,
  type LocalAws,
  type ProvisionedResources,
} from "../../local/aws";
import { resourceNames } from "../../local/stack/functions";
import { runEntryPoint } from "../support/run-command";

/*
 * The enqueue command sends the same body for the same requestId, so `--request-id order-42` twice
 * is a duplicate (one token, the session re-published), not the id reused for another person
 * (which the flow refuses as request-id-conflict).
 */

const STAGE = "enqueuetest";
let aws: LocalAws;
let resources: ProvisionedResources;

beforeAll(async () => {
  aws = await startLocalAws();
  resources = await provisionLocalResources({
    endpoint: aws.url,
    region: aws.region,
    ...resourceNames(STAGE),
    secretValue: { apiKey: "k", apiSecret: "s", webhookSigningKey: "w" },
  });
});

afterAll(async () => {
  await aws.close();
});

const enqueue = (...args: string[]) =>
  runEntryPoint("local/cli/enqueue.ts", args, {
    AWS_ENDPOINT_URL: aws.url,
    AWS_REGION: aws.region,
    LOCAL_STAGE: STAGE,
  });

describe("npx tsx local/cli/enqueue.ts", () => {
  it("sends one body for one requestId, and another for another", async () => {
    for (const args of [
      ["--request-id", "order-42"],
      ["--request-id", "order-42"],
      ["--request-id", "order-43"],
    ]) {
      expect((await enqueue(...args)).code).toBe(0);
    }
    const sqs = new SQSClient(localAwsClientConfig(aws.url, aws.region));
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: resources.requestQueueUrl, MaxNumberOfMessages: 10 }),
    );
    sqs.destroy();
    const bodies = Messages.map((m) => JSON.parse(m.Body ?? "") as Record<string, unknown>);
    const order42 = bodies.filter((b) => b["requestId"] === "order-42");
    expect(order42).toHaveLength(2);
    expect(order42[0]).toEqual(order42[1]);
    const order43 = bodies.find((b) => b["requestId"] === "order-43");
    expect(order43?.["clientId"]).not.toEqual(order42[0]?.["clientId"]);
  });
});
