import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
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
 * `npm run dlq` against local AWS provisioned with a stage's resource names, as `npm start` does:
 * the listing names messages without a value of their bodies, and the redrive moves them back
 * through StartMessageMoveTask, the call it makes on a deployed stage.
 */

const STAGE = "dlqtest";
const PERSONAL = "Zelda-Private-Name";
let aws: LocalAws;
let sqs: SQSClient;
let resources: ProvisionedResources;

beforeAll(async () => {
  aws = await startLocalAws();
  resources = await provisionLocalResources({
    endpoint: aws.url,
    region: aws.region,
    ...resourceNames(STAGE),
    secretValue: { apiKey: "k", apiSecret: "s", webhookSigningKey: "w" },
    maxReceiveCount: 1,
  });
  sqs = new SQSClient(localAwsClientConfig(aws.url, aws.region));
  // Two requests that fail their one delivery: the next receive moves them to the DLQ.
  for (const requestId of ["dead-1", "dead-2"]) {
    const body = JSON.stringify({ requestId, clientId: "c", firstName: PERSONAL });
    await sqs.send(new SendMessageCommand({ QueueUrl: resources.requestQueueUrl, MessageBody: body }));
  }
  const receive = (visibility: number) =>
    sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: resources.requestQueueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: visibility,
      }),
    );
  await receive(0);
  await receive(0);
});

afterAll(async () => {
  sqs.destroy();
  await aws.close();
});

const dlq = (...args: string[]) =>
  runEntryPoint("local/cli/dlq.ts", args, {
    AWS_ENDPOINT_URL: aws.url,
    AWS_REGION: aws.region,
    LOCAL_STAGE: STAGE,
  });

describe("npm run dlq", () => {
  it("lists the dead letters by id, receive count, requestId and field names, never a value", async () => {
    const { code, stdout } = await dlq("list");
    expect(code).toBe(0);
    expect(stdout).toMatch(/requestId=dead-1 fields=requestId,clientId,firstName/);
    expect(stdout).toMatch(/requestId=dead-2 /);
    expect(stdout).toMatch(/receives \d+/);
    expect(stdout).toContain(`2 message(s) in ${resourceNames(STAGE).deadLetterQueueName}`);
    expect(stdout).not.toContain(PERSONAL);
  });

  it("redrives them to the request queue with a message move task", async () => {
    const { code, stdout } = await dlq("redrive");
    expect(code).toBe(0);
    expect(stdout).toContain("COMPLETED: 2 of 2 message(s) moved back");
    expect(aws.sqs.counts(resources.requestQueueUrl).visible).toBe(2);
    expect(aws.sqs.counts(resources.deadLetterQueueUrl).visible).toBe(0);
  });
});
