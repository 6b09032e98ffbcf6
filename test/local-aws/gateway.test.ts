import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { localAwsClientConfig, startLocalAws } from "../../local/aws/index";
import { md5OfMessageAttributes } from "../../local/aws/sqs-md5";
import { useLocalAws } from "./local-aws-fixture";

const local = useLocalAws();

const post = (headers: Record<string, string>, body: string) =>
  fetch(local.aws.url, { method: "POST", headers, body });

describe("local AWS gateway wire format", () => {
  it("answers a health check", async () => {
    const reply = await fetch(`${local.aws.url}/health`);
    expect(reply.status).toBe(200);
    expect(await reply.json()).toMatchObject({ status: "ok" });
  });

  it("frames SNS query replies as SNS does: namespace, <Action>Result, ResponseMetadata/RequestId", async () => {
    const reply = await post(
      { "content-type": "application/x-www-form-urlencoded" },
      "Action=CreateTopic&Version=2010-03-31&Name=wire-format",
    );
    const xml = await reply.text();
    expect(reply.status).toBe(200);
    expect(xml).toContain('<CreateTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">');
    expect(xml).toContain(
      "<CreateTopicResult><TopicArn>arn:aws:sns:eu-west-1:000000000000:wire-format</TopicArn></CreateTopicResult>",
    );
    expect(xml).toMatch(/<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata>/);
  });

  it("frames SNS query errors as <ErrorResponse><Error><Type/><Code/><Message/></Error>", async () => {
    const reply = await post(
      { "content-type": "application/x-www-form-urlencoded" },
      "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A000000000000%3Anone&Message=m",
    );
    expect(reply.status).toBe(404);
    expect(await reply.text()).toContain(
      "<Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error>",
    );
  });

  it("refuses query-protocol calls signed for another service", async () => {
    const reply = await post(
      {
        "content-type": "application/x-www-form-urlencoded",
        authorization:
          "AWS4-HMAC-SHA256 Credential=local/20260101/eu-west-1/sqs/aws4_request, SignedHeaders=host, Signature=x",
      },
      "Action=ListQueues&Version=2012-11-05",
    );
    expect(reply.status).toBe(400);
    expect(await reply.text()).toContain("<Code>InvalidAction</Code>");
    expect(local.aws.calls("sns", "ListQueues")).toBe(0);
  });

  it("answers an unknown X-Amz-Target with UnknownOperationException", async () => {
    const reply = await post(
      { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonKinesis.PutRecord" },
      "{}",
    );
    expect(reply.status).toBe(400);
    expect(await reply.json()).toMatchObject({ __type: "com.amazonaws.sqs#UnknownOperationException" });
  });

  it("sends the SQS query-compatible error header the SDK maps exceptions from", async () => {
    const reply = await post(
      { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.GetQueueUrl" },
      JSON.stringify({ QueueName: "nope" }),
    );
    expect(reply.status).toBe(400);
    expect(reply.headers.get("x-amzn-query-error")).toBe("AWS.SimpleQueueService.NonExistentQueue;Sender");
    expect(await reply.json()).toEqual({
      __type: "com.amazonaws.sqs#QueueDoesNotExist",
      message: "The specified queue does not exist.",
    });
  });
});

describe("close()", () => {
  it("ends a pending long poll with an empty reply instead of a reset", async () => {
    const aws = await startLocalAws();
    const sqs = new SQSClient({ ...localAwsClientConfig(aws.url), maxAttempts: 1 });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "closing" }));
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    // The poll must be waiting in the gateway before close().
    while (aws.calls("sqs", "ReceiveMessage") === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    await aws.close();

    expect((await polling).Messages).toBeUndefined();
  });
});

describe("MD5OfMessageAttributes", () => {
  // Digests moto's SQS test suite pins as what AWS returns.
  it.each([
    ["timestamp", "1493147359900", "235c5c510d26fb653d073faed50ae77c"],
    ["timestamp", "1493147359901", "994258b45346a2cc3f9cbb611aa7af30"],
    ["SOME_Valid.attribute-Name", "1493147359900", "36655e7e9d7c0e8479fa3f3f42247ae7"],
  ])("digests %s=%s as AWS does", (name, value, digest) => {
    expect(md5OfMessageAttributes({ [name]: { dataType: "Number", stringValue: value } })).toBe(digest);
  });

  it("has no digest for no attributes", () => {
    expect(md5OfMessageAttributes({})).toBeUndefined();
  });
});
