import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../local/stack/stack";

/* `npm start` polls the erasures queue as serverless.yml's event source would, into erasePerson. */

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ simulatorPort: 0, awsPort: 0, webhookPort: 0 });
});
afterAll(async () => stack?.close());

describe("the local stack's erasures queue", () => {
  it(
    "delivers an erasure request to erasePerson, which publishes verification.erased",
    { timeout: 30_000 },
    async () => {
      const queueUrl = stack.resources.erasuresQueueUrl;
      expect(queueUrl).toBeDefined();
      const sqs = new SQSClient({
        endpoint: stack.awsEndpoint,
        region: stack.settings.region,
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      });
      try {
        const sent = await sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: JSON.stringify({ erase: { clientId: "nobody" } }),
          }),
        );
        const erased = async () => {
          for (let waited = 0; waited < 20_000; waited += 100) {
            const found = stack
              .aws!.sns.published(stack.resources.eventsTopicArn)
              .map((message) => JSON.parse(message.message) as Record<string, unknown>)
              .find((event) => event["type"] === "verification.erased");
            if (found) return found;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          return undefined;
        };
        expect(await erased()).toMatchObject({ messageId: sent.MessageId, status: "complete", sessions: [] });
      } finally {
        sqs.destroy();
      }
    },
  );
});
