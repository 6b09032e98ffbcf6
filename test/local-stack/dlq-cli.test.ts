import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
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
 * through StartMessageMoveTask, the call it makes on a deployed stage. `--queue results` does the
 * same for the results queue's DLQ.
 */

const STAGE = "dlqtest";
const PERSONAL = "Zelda-Private-Name";
const names = resourceNames(STAGE);
let aws: LocalAws;
let sqs: SQSClient;
let resources: ProvisionedResources;
let results: { readonly queueUrl: string; readonly dlqUrl: string };

/** The queue's URL, created if the local stack did not provision it. */
async function ensureQueue(name: string): Promise<string> {
  try {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
  } catch (error) {
    if (!(error instanceof QueueDoesNotExist)) throw error;
    return (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  }
}

/** The results queue and its DLQ as serverless.yml pairs them, with one delivery before the DLQ. */
async function resultsQueues(): Promise<typeof results> {
  const dlqUrl = await ensureQueue(names.resultsDeadLetterQueueName);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }),
  );
  const queueUrl = await ensureQueue(names.resultsQueueName);
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: queueUrl,
      Attributes: {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: 1 }),
      },
    }),
  );
  return { queueUrl, dlqUrl };
}

/** Two receives that give the messages back at once: with one delivery allowed, the DLQ takes them. */
async function exhaust(queueUrl: string): Promise<void> {
  const receive = (visibility: number) =>
    sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: visibility,
      }),
    );
  await receive(0);
  await receive(0);
}

/** A queued result as the webhook sends it (lib/result-delivery.ts), with a person's data in it. */
const queuedResult = (scanRef: string) =>
  JSON.stringify({
    kind: "verification-result",
    event: {
      type: "verification.completed",
      scanRef,
      final: true,
      overall: "SUSPECTED",
      source: "webhook",
      receivedAt: "2026-01-01T00:00:00.000Z",
      data: { docFirstName: PERSONAL },
    },
  });

beforeAll(async () => {
  aws = await startLocalAws();
  resources = await provisionLocalResources({
    endpoint: aws.url,
    region: aws.region,
    ...names,
    secretValue: { apiKey: "k", apiSecret: "s", webhookSigningKey: "w" },
    maxReceiveCount: 1,
  });
  sqs = new SQSClient(localAwsClientConfig(aws.url, aws.region));
  // Two requests that fail their one delivery: the next receive moves them to the DLQ.
  for (const requestId of ["dead-1", "dead-2"]) {
    const body = JSON.stringify({ requestId, clientId: "c", firstName: PERSONAL });
    await sqs.send(new SendMessageCommand({ QueueUrl: resources.requestQueueUrl, MessageBody: body }));
  }
  await exhaust(resources.requestQueueUrl);
  // And two results the publisher could not publish, plus one body it could never have queued.
  results = await resultsQueues();
  for (const body of [queuedResult("scan-dead-1"), queuedResult("scan-dead-2"), "not json"]) {
    await sqs.send(new SendMessageCommand({ QueueUrl: results.queueUrl, MessageBody: body }));
  }
  await exhaust(results.queueUrl);
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
    expect(stdout).toContain(`2 message(s) in ${names.deadLetterQueueName}`);
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

describe("npm run dlq -- --queue results", () => {
  it("lists the results DLQ by kind, scanRef, source and field names, never the result or the person", async () => {
    const { code, stdout } = await dlq("--queue", "results", "list");
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /kind=verification-result scanRef=scan-dead-1 source=webhook fields=type,scanRef,final,overall,source,receivedAt,data/,
    );
    expect(stdout).toMatch(/scanRef=scan-dead-2 /);
    expect(stdout).toContain("(body is not a queued result)");
    expect(stdout).toContain(`3 message(s) in ${names.resultsDeadLetterQueueName}`);
    expect(stdout).not.toContain(PERSONAL);
    expect(stdout).not.toContain("SUSPECTED");
  });

  it("redrives them to the results queue, not to the request queue", async () => {
    const requestsBefore = aws.sqs.counts(resources.requestQueueUrl).visible;
    const { code, stdout } = await dlq("--queue", "results", "redrive");
    expect(code).toBe(0);
    expect(stdout).toContain(
      `COMPLETED: 3 of 3 message(s) moved back from ${names.resultsDeadLetterQueueName}`,
    );
    expect(aws.sqs.counts(results.queueUrl).visible).toBe(3);
    expect(aws.sqs.counts(results.dlqUrl).visible).toBe(0);
    expect(aws.sqs.counts(resources.requestQueueUrl).visible).toBe(requestsBefore);
  });

  it("refuses a queue it does not know, in one line", async () => {
    const { code, stderr } = await dlq("--queue", "result", "list");
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      'npm run dlq --: --queue must be requests or results, not "result" (--help shows the usage)',
    );
  });
});
