import {
  CreateTopicCommand,
  GetTopicAttributesCommand,
  InvalidParameterException,
  InvalidParameterValueException,
  ListTopicsCommand,
  NotFoundException,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import type { PublishedMessage } from "../../local/aws/index";
import { uniqueName, useLocalAws } from "./local-aws-fixture";

const local = useLocalAws();
let sns: SNSClient;
let sqs: SQSClient;

beforeAll(() => {
  sns = new SNSClient(local.config);
  sqs = new SQSClient(local.config);
});

async function createTopic(): Promise<string> {
  return (await sns.send(new CreateTopicCommand({ Name: uniqueName("events") }))).TopicArn!;
}

describe("local SNS", () => {
  it("creates topics with account-local ARNs, idempotently, and lists them", async () => {
    const name = uniqueName("alerts");
    const first = await sns.send(new CreateTopicCommand({ Name: name }));
    const second = await sns.send(new CreateTopicCommand({ Name: name }));
    expect(first.TopicArn).toBe(`arn:aws:sns:eu-west-1:000000000000:${name}`);
    expect(second.TopicArn).toBe(first.TopicArn);
    expect(first.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const listed = await sns.send(new ListTopicsCommand({}));
    expect(listed.Topics?.map((t) => t.TopicArn)).toContain(first.TopicArn);
    const attributes = await sns.send(new GetTopicAttributesCommand({ TopicArn: first.TopicArn }));
    expect(attributes.Attributes?.TopicArn).toBe(first.TopicArn);
  });

  it("records a published message with its subject and attributes, and tells listeners", async () => {
    const topicArn = await createTopic();
    const heard: PublishedMessage[] = [];
    const stop = local.aws.sns.onPublish((m) => heard.push(m));
    const message = JSON.stringify({ type: "verification.completed", note: '<xml> & "quotes"' });

    const reply = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: "Verification completed",
        Message: message,
        MessageAttributes: {
          type: { DataType: "String", StringValue: "verification.completed" },
          count: { DataType: "Number", StringValue: "3" },
        },
      }),
    );
    stop();
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "after stop" }));

    const published = local.aws.sns.published(topicArn);
    expect(published).toHaveLength(2);
    expect(published[0]).toMatchObject({
      messageId: reply.MessageId,
      topicArn,
      subject: "Verification completed",
      message,
      messageAttributes: {
        type: { dataType: "String", stringValue: "verification.completed" },
        count: { dataType: "Number", stringValue: "3" },
      },
    });
    expect(heard.map((m) => m.messageId)).toEqual([reply.MessageId]);
  });

  it("enforces SNS's Subject rules: at most 100 characters, no line breaks", async () => {
    const topicArn = await createTopic();
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "m", Subject: "x".repeat(100) }));
    for (const subject of ["x".repeat(101), "two\nlines", ""]) {
      await expect(
        sns.send(new PublishCommand({ TopicArn: topicArn, Message: "m", Subject: subject })),
      ).rejects.toBeInstanceOf(InvalidParameterException);
    }
    expect(local.aws.sns.published(topicArn)).toHaveLength(1);
  });

  it("refuses an empty message attribute value, as SNS does", async () => {
    const topicArn = await createTopic();
    const error: unknown = await sns
      .send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: "m",
          MessageAttributes: { state: { DataType: "String", StringValue: "" } },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterValueException);
    expect((error as Error).message).toContain("'state'");
  });

  it("answers a publish to an unknown topic with NotFoundException", async () => {
    const error: unknown = await sns
      .send(new PublishCommand({ TopicArn: "arn:aws:sns:eu-west-1:000000000000:missing", Message: "m" }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundException);
    expect((error as NotFoundException).$metadata.httpStatusCode).toBe(404);
  });

  it("fans out to an SQS subscription, applying its filter policy and raw delivery", async () => {
    const topicArn = await createTopic();
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("completed") })))
      .QueueUrl!;
    const queueArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))
    ).Attributes!.QueueArn!;
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: "sqs",
        Endpoint: queueArn,
        Attributes: {
          RawMessageDelivery: "true",
          FilterPolicy: JSON.stringify({ type: ["verification.completed"] }),
        },
      }),
    );
    const type = (value: string) => ({ type: { DataType: "String", StringValue: value } });
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: "kept",
        MessageAttributes: type("verification.completed"),
      }),
    );
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: "filtered",
        MessageAttributes: type("verification.failed"),
      }),
    );

    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ["All"],
      }),
    );
    expect(received.Messages?.map((m) => m.Body)).toEqual(["kept"]);
    expect(received.Messages?.[0]?.MessageAttributes?.type?.StringValue).toBe("verification.completed");
  });

  it("wraps the message in the SNS notification envelope when raw delivery is off", async () => {
    const topicArn = await createTopic();
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("envelope") })))
      .QueueUrl!;
    const queueArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))
    ).Attributes!.QueueArn!;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn }));
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: "s",
        Message: "body",
        MessageAttributes: { type: { DataType: "String", StringValue: "t" } },
      }),
    );

    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    const envelope = JSON.parse(received.Messages![0]!.Body!) as Record<string, unknown>;
    expect(envelope).toMatchObject({
      Type: "Notification",
      TopicArn: topicArn,
      Subject: "s",
      Message: "body",
      MessageAttributes: { type: { Type: "String", Value: "t" } },
    });
  });
});
