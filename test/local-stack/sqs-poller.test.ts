import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localAwsClientConfig, startLocalAws, type LocalAws } from "../../local/aws/index";
import type { FunctionDefinition } from "../../local/stack/functions";
import {
  startSqsPoller,
  type BatchReport,
  type SqsPoller,
  type SqsPollerOptions,
} from "../../local/stack/sqs-poller";

// The poller against the local SQS through the real SDK, with fake handlers: what Lambda's event
// source mapping does with each kind of reply. Visibility timeout 1 s so redeliveries come fast.

let aws: LocalAws;
let sqs: SQSClient;
const pollers: SqsPoller[] = [];

beforeAll(async () => {
  aws = await startLocalAws();
  sqs = new SQSClient(localAwsClientConfig(aws.url, aws.region));
});
afterAll(async () => {
  await Promise.all(pollers.map((poller) => poller.stop()));
  sqs.destroy();
  await aws.close();
});

let queues = 0;
async function queuePair(maxReceiveCount = 3) {
  const id = `${++queues}-${Math.random().toString(36).slice(2, 8)}`;
  const arnOf = async (url: string) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] })))
      .Attributes!.QueueArn!;
  const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `dlq-${id}` }))).QueueUrl!;
  const url = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: `requests-${id}`,
        Attributes: {
          VisibilityTimeout: "1",
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlqUrl), maxReceiveCount }),
        },
      }),
    )
  ).QueueUrl!;
  return { url, arn: await arnOf(url), dlqUrl };
}

async function send(url: string, bodies: readonly string[]): Promise<string[]> {
  const sent = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: bodies.map((body, i) => ({
        Id: String(i),
        MessageBody: body,
        MessageAttributes: {
          source: { DataType: "String", StringValue: "test" },
          blob: { DataType: "Binary", BinaryValue: Buffer.from([0, 255, 1]) },
        },
      })),
    }),
  );
  return bodies.map((_, i) => sent.Successful!.find((entry) => entry.Id === String(i))!.MessageId!);
}

const FN: FunctionDefinition = { name: "startVerification", timeoutSeconds: 5, memoryMb: 256 };

/** Starts a poller; resolves `until` once `done(reports)` holds. */
function poll(
  queue: { url: string; arn: string },
  handler: (event: SQSEvent, context: Context) => Promise<unknown>,
  overrides: Partial<SqsPollerOptions> = {},
) {
  const reports: BatchReport[] = [];
  const waiters: { done: (reports: BatchReport[]) => boolean; resolve: () => void }[] = [];
  const poller = startSqsPoller({
    client: sqs,
    queueUrl: queue.url,
    queueArn: queue.arn,
    region: aws.region,
    stage: "test",
    fn: FN,
    handler,
    batchSize: 10,
    batchingWindowMs: 0,
    maxConcurrency: 1,
    receiveWaitSeconds: 1,
    onBatch: (report) => {
      reports.push(report);
      for (const waiter of waiters.filter((w) => w.done(reports))) waiter.resolve();
    },
    ...overrides,
  });
  pollers.push(poller);
  return {
    reports,
    until: (done: (reports: BatchReport[]) => boolean) =>
      done(reports) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ done, resolve })),
    stop: () => poller.stop(),
  };
}

const counts = (url: string) => aws.sqs.counts(url);

describe("SQS poller (Lambda's event source mapping)", () => {
  it("hands over records in Lambda's shape and deletes a batch that succeeded", async () => {
    const queue = await queuePair();
    const ids = await send(queue.url, ['{"requestId":"a"}', '{"requestId":"b"}', '{"requestId":"c"}']);
    const seen: SQSRecord[] = [];
    let remaining = -1;
    const run = poll(queue, (event, context) => {
      seen.push(...event.Records);
      remaining = context.getRemainingTimeInMillis();
      return Promise.resolve({ batchItemFailures: [] } satisfies SQSBatchResponse);
    });
    await run.until((reports) => reports.flatMap((r) => r.deleted).length === 3);
    await run.stop();

    expect(seen.map((r) => r.messageId).sort()).toEqual([...ids].sort());
    const record = seen.find((r) => r.messageId === ids[0])!;
    expect(record).toMatchObject({
      body: '{"requestId":"a"}',
      eventSource: "aws:sqs",
      eventSourceARN: queue.arn,
      awsRegion: aws.region,
      attributes: { ApproximateReceiveCount: "1" },
      messageAttributes: {
        source: { dataType: "String", stringValue: "test", stringListValues: [], binaryListValues: [] },
        blob: { dataType: "Binary", binaryValue: Buffer.from([0, 255, 1]).toString("base64") },
      },
    });
    expect(record.receiptHandle).not.toBe("");
    expect(record.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(FN.timeoutSeconds * 1000);
    expect(counts(queue.url)).toEqual({ visible: 0, "in-flight": 0, delayed: 0 });
  });

  it("keeps the reported failures, which come back after the visibility timeout", async () => {
    const queue = await queuePair();
    const [ok, flaky] = await send(queue.url, ["ok", "flaky"]);
    const receives: Record<string, string[]> = {};
    const run = poll(queue, (event) => {
      for (const r of event.Records) (receives[r.body] ??= []).push(r.attributes.ApproximateReceiveCount);
      const failFlaky = event.Records.find(
        (r) => r.body === "flaky" && r.attributes.ApproximateReceiveCount === "1",
      );
      return Promise.resolve({
        batchItemFailures: failFlaky ? [{ itemIdentifier: failFlaky.messageId }] : [],
      });
    });
    await run.until((reports) => reports.flatMap((r) => r.deleted).includes(flaky!));
    await run.stop();

    expect(receives).toEqual({ ok: ["1"], flaky: ["1", "2"] });
    const first = run.reports.find((r) => r.messageIds.includes(flaky!))!;
    expect(first).toMatchObject({ outcome: "returned", deleted: [ok], returned: [flaky] });
    expect(counts(queue.url)).toEqual({ visible: 0, "in-flight": 0, delayed: 0 });
  });

  it("lets the queue move a message that always fails to the DLQ after maxReceiveCount receives", async () => {
    const queue = await queuePair(2);
    const [poison] = await send(queue.url, ["poison"]);
    const run = poll(queue, (event) =>
      Promise.resolve({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) }),
    );
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (aws.sqs.messages(queue.dlqUrl).length > 0) {
          clearInterval(check);
          resolve();
        }
      }, 50);
    });
    await run.stop();

    expect(run.reports.map((r) => r.receiveCounts[poison!])).toEqual([1, 2]);
    expect(aws.sqs.messages(queue.dlqUrl).map((m) => m.messageId)).toEqual([poison]);
    expect(aws.sqs.messages(queue.url)).toEqual([]);
  });

  it.each([
    ["throws", () => Promise.reject(new Error("boom")), "threw"],
    [
      "names a message not in the batch",
      () => Promise.resolve({ batchItemFailures: [{ itemIdentifier: "nope" }] }),
      "invalid-reply",
    ],
    [
      "reports an item without an identifier",
      () => Promise.resolve({ batchItemFailures: [{ itemIdentifier: "" }] }),
      "invalid-reply",
    ],
    ["never answers (past its timeout)", () => new Promise(() => undefined), "timed-out"],
  ] as const)("fails the whole batch when the function %s", async (_, handler, outcome) => {
    const queue = await queuePair();
    const ids = await send(queue.url, ["one", "two"]);
    const run = poll(queue, handler, { fn: { ...FN, timeoutSeconds: 0.3 } });
    await run.until((reports) => reports.length > 0);
    await run.stop();

    expect(run.reports[0]).toMatchObject({ outcome, deleted: [], durationMs: expect.any(Number) as number });
    expect([...run.reports[0]!.returned].sort()).toEqual([...ids].sort());
    expect(
      aws.sqs
        .messages(queue.url)
        .map((m) => m.messageId)
        .sort(),
    ).toEqual([...ids].sort());
  });

  it("treats no reply (or a null batchItemFailures) as complete success", async () => {
    const queue = await queuePair();
    await send(queue.url, ["x", "y"]);
    const run = poll(queue, () => Promise.resolve({ batchItemFailures: null }));
    await run.until((reports) => reports.flatMap((r) => r.deleted).length === 2);
    await run.stop();
    expect(aws.sqs.messages(queue.url)).toEqual([]);
  });

  it("fills a batch up to batchSize and runs at most maxConcurrency invocations at once", async () => {
    const queue = await queuePair();
    await send(queue.url, ["1", "2", "3", "4", "5", "6", "7"]);
    let inFlight = 0;
    let most = 0;
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const run = poll(
      queue,
      async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        if (inFlight === 2) openGate();
        await gate;
        inFlight -= 1;
        return { batchItemFailures: [] };
      },
      { batchSize: 3, maxConcurrency: 2 },
    );
    await run.until((reports) => reports.flatMap((r) => r.deleted).length === 7);
    await run.stop();

    expect(most).toBe(2);
    expect(Math.max(...run.reports.map((r) => r.messageIds.length))).toBe(3);
  });
});
