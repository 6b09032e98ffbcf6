import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  ResourceNotFoundException,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueName, useLocalAws } from "./local-aws-fixture";

/*
 * The DLQ redrive API of the local SQS, through the real SDK client: what `npm run dlq -- redrive`
 * calls on AWS is what it calls here.
 */

const local = useLocalAws();
let sqs: SQSClient;
beforeAll(() => {
  sqs = new SQSClient(local.config);
});

async function queue(name: string, attributes: Record<string, string> = {}) {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] })))
    .Attributes!.QueueArn!;
  return { url, arn };
}

/** A source queue whose messages die after one receive, and its DLQ holding `bodies`. */
async function deadLettered(bodies: readonly string[]) {
  const dlq = await queue(uniqueName("requests-dlq"));
  const source = await queue(uniqueName("requests"), {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
  });
  for (const body of bodies)
    await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: body }));
  for (const _ of bodies)
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.url, VisibilityTimeout: 0 }));
  // The next receive finds them past maxReceiveCount: they move to the DLQ.
  await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.url, MaxNumberOfMessages: 10 }));
  return { dlq, source };
}

describe("local SQS message move tasks", () => {
  it("moves dead letters back to the queue they came from and reports the task", async () => {
    const { dlq, source } = await deadLettered(["a", "b", "c"]);
    expect(local.aws.sqs.counts(dlq.url).visible).toBe(3);

    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
    expect(TaskHandle).toEqual(expect.any(String));
    expect(local.aws.sqs.counts(dlq.url).visible).toBe(0);
    const back = await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.url, MaxNumberOfMessages: 10 }));
    expect(back.Messages?.map((m) => m.Body).sort()).toEqual(["a", "b", "c"]);

    const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }));
    expect(Results).toEqual([
      expect.objectContaining({
        TaskHandle,
        Status: "COMPLETED",
        SourceArn: dlq.arn,
        ApproximateNumberOfMessagesMoved: 3,
        ApproximateNumberOfMessagesToMove: 3,
      }),
    ]);
  });

  it("moves to a named destination when one is given, and refuses an unknown queue", async () => {
    const { dlq } = await deadLettered(["x"]);
    const elsewhere = await queue(uniqueName("elsewhere"));
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: elsewhere.arn }));
    expect(local.aws.sqs.counts(elsewhere.url).visible).toBe(1);
    await expect(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: `${dlq.arn}-missing` })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
