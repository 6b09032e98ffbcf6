import type { SQSEvent, SQSRecord } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { createHandler } from "../../functions/start-verification";
import { lambdaContext } from "../support/lambda-context";
import { useOutputCapture } from "../support/output-capture";
import { useStack } from "../support/stack";
import { sqsRecord as buildSqsRecord } from "../support/sqs-record";

/*
 * MARKID_TOKEN_UNKNOWN_OUTCOME=fail promises that an unknown outcome (a reset or timeout after the
 * token request was sent) ends the request with verification.failed instead of a possible second
 * credit. The chaos run found two ways it still spent one: a duplicate of the message arriving
 * after the failure, and a redelivery after the failure event could not be published (the claim
 * had been released either way). Both now find the requestId closed and repeat the failure.
 */

const stack = useStack({ env: { MARKID_TOKEN_UNKNOWN_OUTCOME: "fail" } });
useOutputCapture();

const TOKEN_PATH = "/api/v2/token";
let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

function sqsRecord(body: string, messageId = unique("msg")): SQSRecord {
  return buildSqsRecord(body, {
    messageId,
    eventSourceARN: stack().resources.requestQueueArn,
    awsRegion: stack().aws.region,
  });
}

const invoke = (records: SQSRecord[]) =>
  createHandler(() => stack().newContainer())({ Records: records } satisfies SQSEvent, lambdaContext(30_000));
const tokenCalls = () =>
  stack()
    .simulator.control.requests()
    .filter((request) => request.path === TOKEN_PATH).length;
const events = () =>
  stack()
    .aws.sns.published(stack().resources.eventsTopicArn)
    .map((message) => JSON.parse(message.message) as Record<string, unknown>)
    .map((event) => [event["type"], event["requestId"], event["reason"]]);

afterEach(() => {
  stack().simulator.control.clearFaults();
  stack().aws.faults.clear();
  stack().aws.sns.clear();
  stack().simulator.control.clearRequests();
});

describe("MARKID_TOKEN_UNKNOWN_OUTCOME=fail", () => {
  it("a duplicate of a request failed for an unknown outcome repeats the failure and spends nothing", async () => {
    const requestId = unique("req");
    const body = JSON.stringify({ requestId, clientId: "c-1" });
    // Mark ID makes the token, the reply is lost.
    stack().simulator.control.injectFault({
      fault: { type: "reset", afterHandling: true },
      path: TOKEN_PATH,
    });
    expect(await invoke([sqsRecord(body)])).toEqual({ batchItemFailures: [] });
    expect(await invoke([sqsRecord(body)])).toEqual({ batchItemFailures: [] });
    expect(tokenCalls()).toBe(1);
    expect(events()).toEqual([
      ["verification.failed", requestId, "unknown-outcome"],
      ["verification.failed", requestId, "unknown-outcome"],
    ]);
  });

  it("when the failure event cannot be published, the redelivery publishes it without calling Mark ID", async () => {
    const requestId = unique("req");
    const record = sqsRecord(JSON.stringify({ requestId, clientId: "c-1" }));
    stack().simulator.control.injectFault({
      fault: { type: "reset", afterHandling: true },
      path: TOKEN_PATH,
    });
    const outage = stack().aws.faults.inject({ service: "sns", operation: "Publish", error: "internal" });
    const first = await invoke([record]);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    outage.remove();
    expect(await invoke([record])).toEqual({ batchItemFailures: [] });
    expect(tokenCalls()).toBe(1);
    expect(events()).toEqual([["verification.failed", requestId, "unknown-outcome"]]);
  });

  it("a request whose call failed with a known error is still released: its redelivery creates the token", async () => {
    const requestId = unique("req");
    const record = sqsRecord(JSON.stringify({ requestId, clientId: "c-1" }));
    stack().simulator.control.injectFault({
      fault: { type: "html-5xx", status: 502 },
      path: TOKEN_PATH,
      count: 10,
    });
    expect((await invoke([record])).batchItemFailures).toHaveLength(1);
    stack().simulator.control.clearFaults();
    expect(await invoke([record])).toEqual({ batchItemFailures: [] });
    expect(events()).toEqual([["verification.session-created", requestId, undefined]]);
  });
});
