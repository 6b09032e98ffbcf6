import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { readFileSync } from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createHandler, handler } from "../../functions/start-verification";
import { parseVerificationRequest } from "../../lib/flows/start-verification/request";
import { TOKEN_PATH } from "../../lib/markid/paths";
import { logger } from "../../lib/observability/logger";
import type { Dependencies } from "../../lib/runtime/dependencies";
import { localAwsClientConfig, localAwsEnvironment } from "../../local/aws/index";
import { lambdaContext } from "../support/lambda-context";
import { resetStack, STACK_SECRET, useStack } from "../support/stack";
import { sqsRecord as buildSqsRecord } from "../support/sqs-record";

/*
 * The SQS handler as Lambda calls it: a batch in, { batchItemFailures } out, over the simulator
 * and the local AWS stack with the real SDK clients. Per-record decisions are tested in
 * test/flows/start-verification*.test.ts; here: the batch, the deadline, the concurrency bound,
 * the real queue round trip, and what reaches the logs.
 */

const stack = useStack();

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

function sqsRecord(body: string, messageId = unique("msg"), receiveCount = 1): SQSRecord {
  return buildSqsRecord(body, {
    messageId,
    receiveCount,
    eventSourceARN: stack().resources.requestQueueArn,
    awsRegion: stack().aws.region,
  });
}

const sqsEvent = (records: SQSRecord[]): SQSEvent => ({ Records: records });
const body = (requestId: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ requestId, clientId: "cust-1", ...extra });

const handlerFor = (deps: Dependencies, options: Parameters<typeof createHandler>[1] = {}) =>
  createHandler(() => deps, options);

const tokenPosts = () =>
  stack()
    .simulator.control.requests()
    .filter((r) => r.method === "POST" && r.path === TOKEN_PATH);
const events = () =>
  stack()
    .aws.sns.published(stack().resources.eventsTopicArn)
    .map((m) => JSON.parse(m.message) as Record<string, unknown>);
const failures = (ids: readonly string[]) => ids.map((itemIdentifier) => ({ itemIdentifier }));

/** Holds a requestId as another container would while it calls Mark ID. */
async function claimElsewhere(requestId: string): Promise<void> {
  const { fingerprint } = parseVerificationRequest(body(requestId))._unsafeUnwrap();
  const claim = await stack()
    .newContainer()
    .sessions.claim(requestId, { leaseMs: 60_000, fingerprint, now: Date.now() });
  expect(claim._unsafeUnwrap().state).toBe("claimed");
}

afterEach(() => resetStack(stack()));

describe("a batch", () => {
  it("acknowledges every record that produced its event", async () => {
    const handler = handlerFor(stack().newContainer());
    const requestIds = [unique("req"), unique("req"), unique("req")];
    const response = await handler(sqsEvent(requestIds.map((id) => sqsRecord(body(id)))), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
    expect(tokenPosts()).toHaveLength(3);
    expect(
      events()
        .map((e) => e["requestId"])
        .sort(),
    ).toEqual([...requestIds].sort());
  });

  it("reports exactly the records that failed, in a mixed batch", async () => {
    const handler = handlerFor(stack().newContainer());
    const [heldA, heldB] = [unique("req"), unique("req")];
    await claimElsewhere(heldA);
    await claimElsewhere(heldB);
    const records = [
      sqsRecord(body(unique("req"))),
      sqsRecord(body(heldA)),
      sqsRecord("not json at all"),
      sqsRecord(body(unique("req"), { firstName: "J0hn" })),
      sqsRecord(body(unique("req"))),
      sqsRecord(body(heldB)),
    ];
    const response = await handler(sqsEvent(records), lambdaContext());
    expect(response.batchItemFailures).toEqual(failures([records[1]!.messageId, records[5]!.messageId]));
    expect(
      events()
        .map((e) => e["type"])
        .sort(),
    ).toEqual([
      "verification.failed",
      "verification.failed",
      "verification.session-created",
      "verification.session-created",
    ]);
  });

  it("creates one token for a requestId duplicated in a batch; the redelivered duplicate re-publishes it", async () => {
    stack().simulator.control.injectFault({ fault: { type: "latency", ms: 300 }, path: "/api/v2/token" });
    const handler = handlerFor(stack().newContainer());
    const requestId = unique("req");
    const [first, duplicate] = [sqsRecord(body(requestId)), sqsRecord(body(requestId))];
    const response = await handler(sqsEvent([first, duplicate]), lambdaContext());
    expect(response.batchItemFailures).toHaveLength(1);
    const failedId = response.batchItemFailures[0]!.itemIdentifier;

    const redelivery = await handler(sqsEvent([sqsRecord(body(requestId), failedId, 2)]), lambdaContext());
    expect(redelivery).toEqual({ batchItemFailures: [] });
    expect(tokenPosts()).toHaveLength(1);
    const [created, republished] = events();
    expect(republished).toEqual(created);
  });

  it("never throws when every record fails, and never for a record whose processing throws", async () => {
    const deps = stack().newContainer();
    const broken: Dependencies = {
      ...deps,
      markIdTransport: {
        send: (request) => {
          if (request.path === TOKEN_PATH) throw new TypeError("a bug");
          return deps.markIdTransport.send(request);
        },
      },
    };
    const records = [sqsRecord(body(unique("req"))), sqsRecord(body(unique("req")))];
    const response = await handlerFor(broken)(sqsEvent(records), lambdaContext());
    expect(response.batchItemFailures).toEqual(failures(records.map((r) => r.messageId)));
  });
});

describe("the documented sample event (events/sqs-start-verification.json)", () => {
  it("acknowledges all three records as events/README.md says: one session, two failure events", async () => {
    const sample = JSON.parse(readFileSync("events/sqs-start-verification.json", "utf8")) as SQSEvent;
    const response = await handlerFor(stack().newContainer())(sample, lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
    expect(events().map((e) => [e["type"], e["requestId"], e["fields"]])).toEqual(
      expect.arrayContaining([
        ["verification.session-created", "req-0001-5f0c2a", undefined],
        ["verification.failed", "req-0002-9d41b7", ["clientId"]],
        ["verification.failed", undefined, ["(root)"]],
      ]),
    );
    expect(events()).toHaveLength(3);
  });

  it("an event that is not an SQS batch is not a crash", async () => {
    const response = await handlerFor(stack().newContainer())({} as SQSEvent, lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
  });
});

describe("the deadline", () => {
  it("with too little time left, reports every record without starting any, and returns before the deadline", async () => {
    const handler = handlerFor(stack().newContainer());
    const context = lambdaContext(800);
    const records = [sqsRecord(body(unique("req"))), sqsRecord(body(unique("req"))), sqsRecord("{}")];
    const response = await handler(sqsEvent(records), context);
    expect(response.batchItemFailures).toEqual(failures(records.map((r) => r.messageId)));
    expect(tokenPosts()).toEqual([]);
    expect(events()).toEqual([]);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
  });

  it("stops starting records when the time runs short, and reports the ones not started", async () => {
    // One record at a time; the first takes 1.5 s at Mark ID, after which less than the start
    // margin is left: 4.5 s − 1.5 s − overhead < 3.2 s, while the first call fits (0.3 + 3 s).
    stack().simulator.control.injectFault({ fault: { type: "latency", ms: 1_500 }, path: "/api/v2/token" });
    const deps = stack().newContainer({ env: { MARKID_TIMEOUT_MS: "3000", BATCH_CONCURRENCY: "1" } });
    const handler = handlerFor(deps, { startMarginMs: 3_200, safetyMarginMs: 300 });
    const context = lambdaContext(4_500);
    const records = [1, 2, 3, 4].map(() => sqsRecord(body(unique("req"))));
    const response = await handler(sqsEvent(records), context);
    expect(response.batchItemFailures).toEqual(failures(records.slice(1).map((r) => r.messageId)));
    expect(tokenPosts()).toHaveLength(1);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
  });
});

describe("concurrency", () => {
  it("processes at most BATCH_CONCURRENCY records at once", async () => {
    stack().simulator.control.injectFault({
      fault: { type: "latency", ms: 60 },
      path: "/api/v2/token",
      count: 8,
    });
    const deps = stack().newContainer({ env: { BATCH_CONCURRENCY: "3" } });
    let running = 0;
    let peak = 0;
    const counting: Dependencies = {
      ...deps,
      markIdTransport: {
        send: (request) => {
          if (request.path !== TOKEN_PATH) return deps.markIdTransport.send(request);
          running += 1;
          peak = Math.max(peak, running);
          return deps.markIdTransport.send(request).map((reply) => {
            running -= 1;
            return reply;
          });
        },
      },
    };
    const records = Array.from({ length: 8 }, () => sqsRecord(body(unique("req"))));
    const response = await handlerFor(counting)(sqsEvent(records), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
    expect(peak).toBe(3);
  });
});

describe("through the real request queue", () => {
  const sqs = () => new SQSClient(localAwsClientConfig(stack().aws.url, stack().aws.region));
  const clients: SQSClient[] = [];
  afterAll(() => {
    for (const client of clients) client.destroy();
  });

  /** What Lambda's event source mapping does: receive, invoke, delete what was not reported. */
  async function pollOnce(client: SQSClient, handler: ReturnType<typeof createHandler>) {
    const queueUrl = stack().resources.requestQueueUrl;
    const received = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    const messages = received.Messages ?? [];
    const response = await handler(sqsEvent(messages.map(toRecord)), lambdaContext());
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    for (const message of messages) {
      const receipt = { QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! };
      // A visibility of 0 stands in for the visibility timeout running out.
      if (failed.has(message.MessageId!)) {
        await client.send(new ChangeMessageVisibilityCommand({ ...receipt, VisibilityTimeout: 0 }));
      } else {
        await client.send(new DeleteMessageCommand(receipt));
      }
    }
    return { messages, failed };
  }

  function toRecord(message: Message): SQSRecord {
    const record = sqsRecord(
      message.Body!,
      message.MessageId,
      Number(message.Attributes?.ApproximateReceiveCount ?? "1"),
    );
    return { ...record, receiptHandle: message.ReceiptHandle!, md5OfBody: message.MD5OfBody! };
  }

  it("a publish failure returns the message to the queue; its redelivery re-publishes the session without a new token", async () => {
    const client = sqs();
    clients.push(client);
    const handler = handlerFor(stack().newContainer());
    const requestId = unique("req");
    await client.send(
      new SendMessageCommand({ QueueUrl: stack().resources.requestQueueUrl, MessageBody: body(requestId) }),
    );
    await client.send(
      new SendMessageCommand({ QueueUrl: stack().resources.requestQueueUrl, MessageBody: "garbage" }),
    );

    const fault = stack().aws.faults.inject({ service: "sns", operation: "Publish", error: "internal" });
    const first = await pollOnce(client, handler);
    expect(first.messages).toHaveLength(2);
    // Both need SNS: the session event and the garbage's failure event.
    expect(first.failed.size).toBe(2);
    fault.remove();

    const second = await pollOnce(client, handler);
    expect(second.messages.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(["2", "2"]);
    expect(second.failed.size).toBe(0);
    expect(stack().aws.sqs.counts(stack().resources.requestQueueUrl)).toMatchObject({
      visible: 0,
      "in-flight": 0,
    });
    expect(tokenPosts()).toHaveLength(1);
    expect(
      events()
        .map((e) => e["type"])
        .sort(),
    ).toEqual(["verification.failed", "verification.session-created"]);
  });
});

describe("logs", () => {
  it("carry messageId, requestId and outcome, never an authToken, a key, a clientId, personal data or the body", async () => {
    const clientId = "cust-PRIVATE-7731";
    const personal = {
      firstName: "Onute",
      lastName: "Onaityte",
      dateOfBirth: "1987-03-04",
      documentNumber: "LT-DOC-88231",
      address: "Gedimino pr. 9",
    };
    const requestId = unique("req");
    const messageId = unique("msg");
    // Powertools writes INFO and DEBUG to stdout, WARN and ERROR to stderr.
    const captured: string[] = [];
    const streams = [process.stdout, process.stderr] as const;
    const writes = streams.map((stream) => stream.write.bind(stream));
    for (const stream of streams) {
      stream.write = (chunk: string | Uint8Array) => {
        captured.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        return true;
      };
    }
    logger.setLogLevel("DEBUG");
    try {
      const handler = handlerFor(stack().newContainer());
      const run = (...bodies: string[]) =>
        handler(sqsEvent(bodies.map((b) => sqsRecord(b))), lambdaContext());
      const request = (id: string, extra: Record<string, unknown> = {}) =>
        JSON.stringify({ requestId: id, clientId, ...personal, ...extra });

      await handler(sqsEvent([sqsRecord(request(requestId), messageId)]), lambdaContext()); // created
      await run(request(requestId)); // re-published
      await run(request(unique("req"), { firstName: "Onute7" }), `${request(unique("req"))}}`); // invalid
      stack().simulator.control.injectFault({
        fault: { type: "identifier", identifier: "INTERNAL_ERROR", status: 500 },
        count: 1,
      });
      await run(request(unique("req"))); // retried, then created
      stack().simulator.control.injectFault({
        fault: { type: "identifier", identifier: "BAD_VALUE" },
        count: 1,
      });
      await run(request(unique("req"))); // rejected
      stack().simulator.control.injectFault({
        fault: { type: "identifier", identifier: "PERMISSIONS_ERROR" },
        count: 1,
      });
      await run(request(unique("req"))); // alert, given back
      stack().simulator.control.rotateCredentials("other-key", "other-secret");
      await run(request(unique("req"))); // credentials-invalid
    } finally {
      stack().simulator.control.rotateCredentials(STACK_SECRET.apiKey, STACK_SECRET.apiSecret);
      logger.setLogLevel("INFO");
      streams.forEach((stream, index) => (stream.write = writes[index]!));
    }

    const output = captured.join("");
    // The scan looks at real log lines.
    expect(output).toContain(`"messageId":"${messageId}"`);
    expect(output).toContain(`"requestId":"${requestId}"`);
    for (const outcome of [
      "session-created",
      "session-republished",
      "request-invalid",
      "request-rejected",
      "markid-failed",
    ]) {
      expect(output).toContain(`"outcome":"${outcome}"`);
    }
    expect(output).toContain('"identifier":"INTERNAL_ERROR"');
    expect(output).toContain('"alert":"markid.credentials-invalid"');
    expect(output).toContain('"TokenCreated"'); // the invocation's metrics were flushed

    const authTokens = events()
      .filter((e) => e["type"] === "verification.session-created")
      .map((e) => e["authToken"] as string);
    expect(authTokens.length).toBeGreaterThanOrEqual(2);
    const basicAuth = Buffer.from(`${STACK_SECRET.apiKey}:${STACK_SECRET.apiSecret}`).toString("base64");
    const forbidden = [
      ...authTokens,
      STACK_SECRET.apiKey,
      STACK_SECRET.apiSecret,
      STACK_SECRET.webhookSigningKey,
      basicAuth,
      "other-secret",
      clientId,
      ...Object.values(personal),
    ];
    for (const value of forbidden) expect(output).not.toContain(value);
  });
});

describe("the exported handler", () => {
  const configured = () => ({
    ...stack().resources.environment,
    ...localAwsEnvironment(stack().aws.url, stack().aws.region),
    MARKID_BASE_URL: stack().simulator.url,
    STAGE: "test",
    RETRY_BASE_DELAY_MS: "5",
    RETRY_MAX_DELAY_MS: "50",
  });

  it("throws one error naming every missing variable at its first invocation, and works once configured", async () => {
    const variables = Object.keys(configured());
    const saved = Object.fromEntries(variables.map((name) => [name, process.env[name]]));
    for (const name of variables) delete process.env[name];
    try {
      const event = sqsEvent([sqsRecord(body(unique("req")))]);
      const failure = handler(event, lambdaContext());
      await expect(failure).rejects.toThrow(/MARKID_SECRET_ID is required/);
      await expect(failure).rejects.toThrow(
        /EVENTS_TOPIC_ARN is required.*STATE_TABLE is required|STATE_TABLE is required.*EVENTS_TOPIC_ARN/,
      );

      Object.assign(process.env, configured());
      expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
      expect(events().map((e) => e["type"])).toEqual(["verification.session-created"]);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
