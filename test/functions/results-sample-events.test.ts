import { readFileSync } from "node:fs";
import type { ScheduledEvent, SQSEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { createPublishVerificationResultHandler } from "../../functions/publish-verification-result";
import { createReconcileSessionsHandler } from "../../functions/reconcile-sessions";
import type { VerificationCompletedEvent } from "../../lib/messages";
import { lambdaContext } from "../support/lambda-context";
import { useOutputCapture } from "../support/output-capture";
import { useStack } from "../support/stack";

/*
 * The results path's sample events of events/ (for `serverless invoke local`) get the replies
 * events/README.md promises.
 */

const stack = useStack();
useOutputCapture(); // keep the handlers' log lines out of the test report

const sample = <T>(file: string) =>
  JSON.parse(readFileSync(new URL(`../../events/${file}`, import.meta.url), "utf8")) as T;

describe("events/ samples of the results path", () => {
  it("sqs-publish-verification-result.json: the queued result is published once, the malformed record given back", async () => {
    const event = sample<SQSEvent>("sqs-publish-verification-result.json");
    const handler = createPublishVerificationResultHandler(() => stack().newContainer());

    const reply = await handler(event, lambdaContext(30_000));

    expect(reply).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1]!.messageId }] });
    const published = stack()
      .aws.sns.published(stack().resources.eventsTopicArn)
      .map((message) => JSON.parse(message.message) as VerificationCompletedEvent);
    expect(published).toEqual([
      expect.objectContaining({
        type: "verification.completed",
        scanRef: "5b1e0f7a-2c3d-11ee-9a41-0242ac120002",
        final: false,
        source: "webhook",
        sequence: 1,
      }),
    ]);
  });

  it("schedule-reconcile-sessions.json: a summary; nothing due on an empty table", async () => {
    const handler = createReconcileSessionsHandler(() => stack().newContainer());

    const summary = await handler(
      sample<ScheduledEvent>("schedule-reconcile-sessions.json"),
      lambdaContext(60_000),
    );

    expect(summary).toMatchObject({ due: 0, asked: 0, final: 0 });
  });
});
