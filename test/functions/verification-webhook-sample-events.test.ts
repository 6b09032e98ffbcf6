import { readFileSync } from "node:fs";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { createVerificationWebhookHandler, type WebhookHandler } from "../../functions/verification-webhook";
import type { VerificationCompletedEvent } from "../../lib/messages";
import { lambdaContext } from "../support/lambda-context";
import { useOutputCapture } from "../support/output-capture";
import { publishQueuedResults, redeliveringPublisher } from "../support/results-queue";
import { useStack } from "../support/stack";

/*
 * The sample events of events/ (for `serverless invoke local`) get the replies events/README.md
 * promises, with the documented local signing key in the secret.
 */

const stack = useStack();
useOutputCapture(); // keep the handler's log lines out of the test report
const LOCAL_SIGNING_KEY = "markid-local-webhook-signing-key";

let handle: WebhookHandler;

beforeAll(() => {
  const secretName = `markid/sample-events-${process.pid}`;
  stack().aws.secrets.put(
    secretName,
    JSON.stringify({
      apiKey: "local-api-key",
      apiSecret: "local-api-secret",
      webhookSigningKey: LOCAL_SIGNING_KEY,
    }),
  );
  const deps = stack().newContainer({ env: { MARKID_SECRET_ID: secretName } });
  handle = createVerificationWebhookHandler(() => deps);
});

const sample = (file: string) =>
  JSON.parse(
    readFileSync(new URL(`../../events/${file}`, import.meta.url), "utf8"),
  ) as APIGatewayProxyEventV2;

describe("events/ samples", () => {
  it("http-webhook.json and http-webhook-base64.json → 200 accepted; one event for both (same bytes)", async () => {
    const plain = await handle(sample("http-webhook.json"), lambdaContext());
    const base64 = await handle(sample("http-webhook-base64.json"), lambdaContext());
    expect([plain.statusCode, plain.body]).toEqual([200, '{"status":"accepted"}']);
    expect([base64.statusCode, base64.body]).toEqual([200, '{"status":"accepted"}']);

    // Both copies may reach the publisher in one batch: the one that loses the claim is given back,
    // comes again after its visibility timeout, and is then a duplicate.
    const publisher = redeliveringPublisher(stack());
    expect((await publishQueuedResults(stack(), { handler: publisher.handler })).received).toBe(2);
    await publisher.visibilityTimeoutPasses();
    expect((await publishQueuedResults(stack(), { handler: publisher.handler })).givenBack).toBe(0);
    const events = stack()
      .aws.sns.published(stack().resources.eventsTopicArn)
      .map((message) => JSON.parse(message.message) as VerificationCompletedEvent);
    expect(events).toEqual([
      expect.objectContaining({
        type: "verification.completed",
        scanRef: "5b1e0f7a-2c3d-11ee-9a41-0242ac120002",
        final: false,
        overall: "APPROVED",
        sequence: 1,
      }),
    ]);
  });

  it("http-webhook-bad-signature.json → 401", async () => {
    const reply = await handle(sample("http-webhook-bad-signature.json"), lambdaContext());
    expect(reply.statusCode).toBe(401);
  });
});
