// The request queue's dead-letter queue on the running stack, through the real SQS API.
//
//   npx tsx local/cli/dlq.ts list                 messages in the DLQ (ids and requestId; no bodies)
//   npx tsx local/cli/dlq.ts redrive [--max N]    move them back to the request queue
//
// Redrive: see local/stack/redrive.ts (works on any SQS; a redriven message gets a new MessageId).
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import { parseArgs } from "node:util";
import { receiveVisible, redriveDeadLetters } from "../stack/redrive";
import { queueUrl, runCli, targetFromEnvironment } from "./target";

const { values, positionals } = parseArgs({
  options: { max: { type: "string", default: "1000" } },
  allowPositionals: true,
  strict: true,
});
const target = targetFromEnvironment();

/** The requestId of a request body, without printing the rest (it may hold a person's data). */
function summary(message: Message): string {
  let requestId = "(body is not a JSON request)";
  let fieldNames = "";
  try {
    const body = JSON.parse(message.Body ?? "") as Record<string, unknown>;
    if (typeof body === "object" && body !== null) {
      requestId = typeof body["requestId"] === "string" ? `requestId=${body["requestId"]}` : "(no requestId)";
      fieldNames = ` fields=${Object.keys(body).join(",")}`;
    }
  } catch {
    // keep the placeholder
  }
  const sent = Number(message.Attributes?.["SentTimestamp"] ?? 0);
  return `${message.MessageId}  sent ${new Date(sent).toISOString()}  ${requestId}${fieldNames}`;
}

runCli(target, async () => {
  const sqs = new SQSClient(target.clientConfig);
  const dlqUrl = await queueUrl(sqs, target.names.deadLetterQueueName);
  switch (positionals[0] ?? "") {
    case "list": {
      const messages = await receiveVisible(sqs, dlqUrl, 1000, 30);
      for (const message of messages) console.log(summary(message));
      // Give them back at once: listing must not hide the messages from a redrive.
      for (let i = 0; i < messages.length; i += 10) {
        await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: dlqUrl,
            Entries: messages.slice(i, i + 10).map((m, j) => ({
              Id: String(j),
              ReceiptHandle: m.ReceiptHandle ?? "",
              VisibilityTimeout: 0,
            })),
          }),
        );
      }
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: dlqUrl,
          AttributeNames: ["ApproximateNumberOfMessagesNotVisible"],
        }),
      );
      const held = Number(Attributes?.["ApproximateNumberOfMessagesNotVisible"] ?? 0);
      console.log(
        `${messages.length} message(s) in ${target.names.deadLetterQueueName}` +
          (held > 0 ? ` (+${held} held by another reader)` : ""),
      );
      break;
    }
    case "redrive": {
      const moved = await redriveDeadLetters(
        sqs,
        {
          deadLetterQueueUrl: dlqUrl,
          sourceQueueUrl: await queueUrl(sqs, target.names.requestQueueName),
          max: Number(values.max) || 1000,
        },
        (message) => console.log(`redriven ${summary(message)}`),
      );
      console.log(`${moved} message(s) moved back to ${target.names.requestQueueName}`);
      break;
    }
    default:
      throw new Error("usage: dlq.ts list | redrive [--max N]");
  }
  sqs.destroy();
});
