import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { createErasePersonHandler } from "../../functions/erase-person";
import { createHandler as createStartVerificationHandler } from "../../functions/start-verification";
import { erasureIdOf } from "../../lib/flows/erase-person";
import { DELETE_PATH } from "../../lib/markid/paths";
import { lambdaContext } from "../support/lambda-context";
import { useOutputCapture } from "../support/output-capture";
import { sqsRecord } from "../support/sqs-record";
import { resetStack, useHandlerEnvironment, useStack } from "../support/stack";

/*
 * Right to erasure over the Mark ID simulator and the local AWS stack: sessions made the deployed
 * way (start-verification), then an erasure request by clientId or by scanRef. Every log line of
 * the file is scanned for the people's clientIds and the erasure ids (the leak scan).
 */

const stack = useStack();
const logs = useOutputCapture();

let sequence = 0;
const unique = (name: string) => `${name}-${process.pid}-${++sequence}`;
/** Every clientId used here: no log line may carry one. */
const people: string[] = [];
const person = () => {
  const clientId = unique("erased-person");
  people.push(clientId);
  return clientId;
};
const erasureIds: string[] = [];

useHandlerEnvironment(stack, { STAGE: "functions-test", MARKID_RATE_LIMIT_PER_HOUR: "3600000" });
afterEach(() => resetStack(stack()));

/** Sessions of `clientId` made by start-verification; their scanRefs, in order. */
async function startSessions(clientId: string, n: number): Promise<{ scanRef: string; requestId: string }[]> {
  const requestIds = Array.from({ length: n }, () => unique("req"));
  const reply = await createStartVerificationHandler(() => stack().newContainer())(
    {
      Records: requestIds.map((requestId) =>
        sqsRecord(JSON.stringify({ requestId, clientId }), {
          messageId: unique("msg"),
          eventSourceARN: stack().resources.requestQueueArn,
          awsRegion: stack().aws.region,
        }),
      ),
    },
    lambdaContext(),
  );
  expect(reply.batchItemFailures).toEqual([]);
  const created = new Map(
    events("verification.session-created").map((event) => [event["requestId"], String(event["scanRef"])]),
  );
  return requestIds.map((requestId) => ({ requestId, scanRef: created.get(requestId)! }));
}

const events = (type: string) =>
  stack()
    .aws.sns.published(stack().resources.eventsTopicArn)
    .map((message) => JSON.parse(message.message) as Record<string, unknown>)
    .filter((event) => event["type"] === type);

const deleteCalls = () =>
  stack()
    .simulator.control.requests()
    .filter((request) => request.path === DELETE_PATH)
    .map((request) => (JSON.parse(request.body) as { scanRef: string }).scanRef);

/** One delivery of an erasure request; pass the messageId of an earlier one to redeliver it. */
async function erase(body: unknown, messageId = unique("erasure")) {
  const reply = await createErasePersonHandler(() => stack().newContainer())(
    {
      Records: [
        sqsRecord(typeof body === "string" ? body : JSON.stringify(body), {
          messageId,
          eventSourceARN: "arn:aws:sqs:eu-west-1:000000000000:markid-serverless-test-erasures",
          awsRegion: stack().aws.region,
        }),
      ],
    },
    lambdaContext(30_000),
  );
  return { messageId, failures: reply.batchItemFailures.map((failure) => failure.itemIdentifier) };
}

async function item(pk: string) {
  const doc = DynamoDBDocumentClient.from(stack().clients.dynamodb);
  const output = await doc.send(
    new GetCommand({ TableName: stack().config.STATE_TABLE, Key: { pk }, ConsistentRead: true }),
  );
  return output.Item;
}

/** What an erasure leaves of a session# item: a refusal of the requestId, nothing of the person. */
function expectTombstone(sessionItem: Record<string, unknown> | undefined) {
  expect(sessionItem).toMatchObject({ status: "erased" });
  expect(sessionItem).not.toHaveProperty("session");
  expect(sessionItem).not.toHaveProperty("fingerprint");
}

describe("erase-person", () => {
  it("erases a person with several verifications, here and at Mark ID, waiting out a token that has not expired", async () => {
    const clientId = person();
    const other = person();
    const sessions = await startSessions(clientId, 3);
    const [otherSession] = await startSessions(other, 1);
    const [first, second, third] = sessions;
    stack().simulator.control.expire(first!.scanRef);
    stack().simulator.control.expire(second!.scanRef);
    stack().simulator.control.clearRequests();
    const erasureId = erasureIdOf({ clientId });
    erasureIds.push(erasureId);

    // Two tokens have expired, the third has not: Mark ID refuses that one, the message comes again.
    const early = await erase({ erase: { clientId } });
    expect(early.failures).toEqual([early.messageId]);
    expect(deleteCalls().sort()).toEqual(sessions.map((s) => s.scanRef).sort());
    const [pending] = events("verification.erased");
    expect(pending).toMatchObject({ erasureId, messageId: early.messageId, status: "pending", pending: 1 });
    expect(pending?.["sessions"]).toEqual(
      expect.arrayContaining([
        { scanRef: first!.scanRef, markId: "deleted", erasedHere: true, lastSequence: 0 },
        { scanRef: second!.scanRef, markId: "deleted", erasedHere: true, lastSequence: 0 },
        { scanRef: third!.scanRef, markId: "not-yet", erasedHere: false },
      ]),
    );
    expect(JSON.stringify(pending)).not.toContain(clientId);
    for (const { requestId, scanRef } of [first!, second!]) {
      expectTombstone(await item(`session#${requestId}`));
      const scan = await item(`scan#${scanRef}`);
      expect(scan).not.toHaveProperty("clientId");
      expect(scan).not.toHaveProperty("requestId");
      expect(JSON.stringify(scan)).not.toContain(clientId);
    }
    expect(await item(`session#${third!.requestId}`)).toHaveProperty("session");

    // Its token has expired: the redelivery finishes with the one left, and calls Mark ID for it alone.
    stack().simulator.control.expire(third!.scanRef);
    stack().simulator.control.clearRequests();
    const later = await erase({ erase: { clientId } });
    expect(later.failures).toEqual([]);
    expect(deleteCalls()).toEqual([third!.scanRef]);
    expect(events("verification.erased")[1]).toMatchObject({
      erasureId,
      status: "complete",
      pending: 0,
      sessions: [{ scanRef: third!.scanRef, markId: "deleted", erasedHere: true }],
    });
    expectTombstone(await item(`session#${third!.requestId}`));
    expect((await stack().newContainer().erasures.scanRefsOf(clientId))._unsafeUnwrap()).toEqual([]);
    // Marked, so a result of a session the table never knew is not published for them either.
    const erasedClients = stack().newContainer().erasedClients;
    expect((await erasedClients.has(clientId, Date.now()))._unsafeUnwrap()).toBe(true);
    expect((await erasedClients.has(other, Date.now()))._unsafeUnwrap()).toBe(false);

    // The other person is untouched.
    expect(await item(`session#${otherSession!.requestId}`)).toHaveProperty("session");
    expect((await item(`scan#${otherSession!.scanRef}`))?.["clientId"]).toBe(other);

    // Erased again: nothing left, complete at once, no Mark ID call.
    stack().simulator.control.clearRequests();
    expect((await erase({ erase: { clientId } })).failures).toEqual([]);
    expect(deleteCalls()).toEqual([]);
    expect(events("verification.erased")[2]).toMatchObject({ status: "complete", sessions: [], pending: 0 });
  });

  it("erases one session by scanRef; one deleted before (retention) is not asked for again", async () => {
    const clientId = person();
    const [session] = await startSessions(clientId, 1);
    stack().simulator.control.expire(session!.scanRef);
    erasureIds.push(erasureIdOf({ scanRef: session!.scanRef }));
    stack().simulator.control.clearRequests();

    expect((await erase({ erase: { scanRef: session!.scanRef } })).failures).toEqual([]);
    expect(deleteCalls()).toEqual([session!.scanRef]);
    expect(events("verification.erased")[0]).toMatchObject({
      erasureId: erasureIdOf({ scanRef: session!.scanRef }),
      status: "complete",
      sessions: [{ scanRef: session!.scanRef, markId: "deleted", erasedHere: true }],
    });
    expectTombstone(await item(`session#${session!.requestId}`));

    stack().simulator.control.clearRequests();
    expect((await erase({ erase: { scanRef: session!.scanRef } })).failures).toEqual([]);
    expect(deleteCalls()).toEqual([]);
    expect(events("verification.erased")[1]).toMatchObject({
      status: "complete",
      sessions: [{ scanRef: session!.scanRef, markId: "already-deleted", erasedHere: true }],
    });
  });

  it("answers an unreadable request with invalid-request and its fields' paths, never their values", async () => {
    const clientId = person();
    const { messageId, failures } = await erase({ erase: { clientId: 42, name: clientId } });
    expect(failures).toEqual([]);
    const event = events("verification.erased")[0];
    expect(event).toMatchObject({ messageId, status: "invalid-request", sessions: [], pending: 0 });
    expect(event).not.toHaveProperty("erasureId");
    expect((event?.["fields"] as string[]).length).toBeGreaterThan(0);
    expect(JSON.stringify(event)).not.toContain(clientId);
    expect((await erase(`{"erase": "${clientId}"`)).failures).toEqual([]);
    expect(events("verification.erased")[1]).toMatchObject({ status: "invalid-request", fields: ["(body)"] });
  });

  it("gives the message back while Mark ID is down, and leaves the sessions as they were", async () => {
    const clientId = person();
    const [session] = await startSessions(clientId, 1);
    stack().simulator.control.expire(session!.scanRef);
    stack().simulator.control.injectFault({ fault: { type: "html-5xx", status: 503 }, fraction: 1 });
    const { messageId, failures } = await erase({ erase: { clientId } });
    stack().simulator.control.clearFaults();
    expect(failures).toEqual([messageId]);
    expect(events("verification.erased")[0]).toMatchObject({
      status: "pending",
      sessions: [{ scanRef: session!.scanRef, markId: "unavailable", erasedHere: false }],
    });
    expect(await item(`session#${session!.requestId}`)).toHaveProperty("session");
  });

  it("reports the sessions a delivery erased though its event was lost: the redelivery cannot find them by clientId", async () => {
    const clientId = person();
    const sessions = await startSessions(clientId, 2);
    for (const { scanRef } of sessions) stack().simulator.control.expire(scanRef);
    stack().aws.faults.inject({ service: "sns", operation: "Publish", error: "internal" });
    const first = await erase({ erase: { clientId } });
    stack().aws.faults.clear();
    expect(first.failures).toEqual([first.messageId]);
    expect(events("verification.erased")).toEqual([]);
    // Erased meanwhile, here and at Mark ID: the index no longer leads to them.
    expect((await stack().newContainer().erasures.scanRefsOf(clientId))._unsafeUnwrap()).toEqual([]);
    expect(deleteCalls().sort()).toEqual(sessions.map((s) => s.scanRef).sort());

    stack().simulator.control.clearRequests();
    const again = await erase({ erase: { clientId } }, first.messageId);
    expect(again.failures).toEqual([]);
    const [event] = events("verification.erased");
    expect(event).toMatchObject({ messageId: first.messageId, status: "complete", pending: 0 });
    expect(event?.["sessions"]).toEqual(
      expect.arrayContaining(
        sessions.map(({ scanRef }) => ({ scanRef, markId: "deleted", erasedHere: true, lastSequence: 0 })),
      ),
    );
    expect(event?.["sessions"]).toHaveLength(2);
    // Mark ID is not asked again, and the record names no person.
    expect(deleteCalls()).toEqual([]);
    expect(JSON.stringify(await item(`erasure#${first.messageId}`))).not.toContain(clientId);
  });

  // Last: every log line of the file, the erasure path's included.
  it("logs no clientId, nor the erasure id that hashes one (the leak scan)", () => {
    const output = logs();
    expect(output).toContain("erasure:");
    for (const value of [...people, ...erasureIds]) expect(output).not.toContain(value);
  });
});
