import { createHash } from "node:crypto";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueName, useLocalAws } from "./local-aws-fixture";

const local = useLocalAws();
let sqs: SQSClient;

beforeAll(() => {
  sqs = new SQSClient(local.config);
});

async function createQueue(
  attributes: Record<string, string> = {},
  name = uniqueName("requests"),
): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
}

async function queueArn(queueUrl: string): Promise<string> {
  return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] })))
    .Attributes!.QueueArn!;
}

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

describe("local SQS", () => {
  it("creates queues at gateway URLs and finds them by name", async () => {
    const name = uniqueName("requests");
    const url = await createQueue({}, name);
    expect(url).toBe(`${local.aws.url}/000000000000/${name}`);
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(url);
    expect(await queueArn(url)).toBe(`arn:aws:sqs:eu-west-1:000000000000:${name}`);
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: "missing" }))).rejects.toBeInstanceOf(
      QueueDoesNotExist,
    );
  });

  it("round-trips a message with MD5s the SDK accepts, then deletes it", async () => {
    const url = await createQueue();
    const body = JSON.stringify({ requestId: "r-1", clientId: "c-ü-✓" });
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: body,
        MessageAttributes: { timestamp: { DataType: "Number", StringValue: "1493147359900" } },
      }),
    );
    expect(sent.MD5OfMessageBody).toBe(md5(body));
    // The digest moto's SQS tests pin as what AWS returns for this attribute.
    expect(sent.MD5OfMessageAttributes).toBe("235c5c510d26fb653d073faed50ae77c");

    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    const message = received.Messages![0]!;
    expect(message).toMatchObject({ MessageId: sent.MessageId, Body: body, MD5OfBody: md5(body) });
    expect(message.Attributes?.ApproximateReceiveCount).toBe("1");
    expect(Number(message.Attributes?.SentTimestamp)).toBeGreaterThan(0);
    expect(message.MessageAttributes?.timestamp).toEqual({
      DataType: "Number",
      StringValue: "1493147359900",
    });

    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle! }));
    expect(local.aws.sqs.counts(url)).toEqual({ visible: 0, "in-flight": 0, delayed: 0 });
  });

  it("answers an empty receive without Messages", async () => {
    const url = await createQueue();
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    expect(received.Messages).toBeUndefined();
  });

  it("hides a received message for its visibility timeout, then redelivers it with a new receipt handle", async () => {
    const url = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "again" }));
    const first = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 1 })))
      .Messages![0]!;
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();

    const attributes = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    expect(attributes.Attributes).toEqual({
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "1",
    });

    // A long poll wakes when the message becomes visible again.
    const second = (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          WaitTimeSeconds: 5,
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        }),
      )
    ).Messages![0]!;
    expect(second.MessageId).toBe(first.MessageId);
    expect(second.ReceiptHandle).not.toBe(first.ReceiptHandle);
    expect(second.Attributes?.ApproximateReceiveCount).toBe("2");

    // Only the latest receipt handle deletes the message.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle! }));
    expect(local.aws.sqs.counts(url)["in-flight"]).toBe(1);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second.ReceiptHandle! }));
    expect(local.aws.sqs.messages(url)).toEqual([]);
  });

  it("makes a message visible at once when its visibility is changed to 0", async () => {
    const url = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "back" }));
    const first = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages![0]!;
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: first.ReceiptHandle!,
        VisibilityTimeout: 0,
      }),
    );
    const again = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages![0]!;
    expect(again.MessageId).toBe(first.MessageId);
  });

  it("moves a message to the dead-letter queue on the receive after maxReceiveCount", async () => {
    const dlqUrl = await createQueue({}, uniqueName("requests-dlq"));
    const url = await createQueue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await queueArn(dlqUrl), maxReceiveCount: 2 }),
    });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "poison" }));

    for (let receive = 1; receive <= 2; receive++) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }));
      expect(got.Messages?.[0]?.MessageId).toBe(sent.MessageId);
    }
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();

    const dead = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MessageSystemAttributeNames: ["All"] }),
    );
    expect(dead.Messages?.[0]).toMatchObject({ MessageId: sent.MessageId, Body: "poison" });
    expect(dead.Messages?.[0]?.Attributes?.DeadLetterQueueSourceArn).toBe(await queueArn(url));
    expect(local.aws.sqs.counts(url)).toEqual({ visible: 0, "in-flight": 0, delayed: 0 });
  });

  it("wakes a long poll when a message is sent", async () => {
    const url = await createQueue();
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "wake up" }));
    expect((await polling).Messages?.[0]?.Body).toBe("wake up");
  });

  it("holds back a delayed message", async () => {
    const url = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "later", DelaySeconds: 60 }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    expect(local.aws.sqs.counts(url)).toEqual({ visible: 0, "in-flight": 0, delayed: 1 });
  });

  it("reports per-entry failures in batches", async () => {
    const url = await createQueue();
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: "a", MessageBody: "one" },
          {
            Id: "b",
            MessageBody: "two",
            MessageAttributes: { empty: { DataType: "String", StringValue: "" } },
          },
          { Id: "c", MessageBody: "three" },
        ],
      }),
    );
    expect(sent.Successful?.map((s) => s.Id)).toEqual(["a", "c"]);
    expect(sent.Failed).toEqual([
      expect.objectContaining({ Id: "b", SenderFault: true, Code: "InvalidParameterValue" }),
    ]);

    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    expect(received.Messages?.map((m) => m.Body)).toEqual(["one", "three"]);
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          ...received.Messages!.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle! })),
          { Id: "bogus", ReceiptHandle: "not-a-handle" },
        ],
      }),
    );
    expect(deleted.Successful?.map((s) => s.Id)).toEqual(["m0", "m1"]);
    expect(deleted.Failed?.map((f) => [f.Id, f.Code])).toEqual([["bogus", "ReceiptHandleIsInvalid"]]);
    expect(local.aws.sqs.messages(url)).toEqual([]);
  });

  it("refuses a malformed receipt handle with ReceiptHandleIsInvalid", async () => {
    const url = await createQueue();
    await expect(
      sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: "garbage" })),
    ).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
  });

  it("refuses a redrive policy whose dead-letter queue does not exist", async () => {
    const error: unknown = await createQueue({
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: "arn:aws:sqs:eu-west-1:000000000000:nope",
        maxReceiveCount: 3,
      }),
    }).catch((e: unknown) => e);
    expect((error as Error).name).toBe("InvalidAttributeValue");
  });

  it("purges a queue", async () => {
    const url = await createQueue();
    local.aws.sqs.send(url, "direct");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "via sdk" }));
    expect(local.aws.sqs.counts(url).visible).toBe(2);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect(local.aws.sqs.counts(url).visible).toBe(0);
  });
});
