// The request queue's dead-letter queue on the running stack, through the real SQS API; the
// subcommands are in the usage text below (`--help`). Redrive: see local/stack/redrive.ts (works
// on any SQS; a redriven message gets a new MessageId).
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import { receiveVisible, redriveDeadLetters } from "../stack/redrive";
import { commandLineOrExit, exitWithUsageError, parsedOrExit, wholeNumber } from "./command-line";
import { queueUrl, runCli, targetFromEnvironment } from "./target";

const NAME = "npx tsx local/cli/dlq.ts";
const { values, positionals } = commandLineOrExit({
  name: NAME,
  usage: `list | redrive [--max N]

  list              the messages in the request queue's DLQ (ids and requestId; no bodies)
  redrive           move them back to the request queue (--max: at most N, default 1000)

The stack is found as \`npm start\` chose it: LOCAL_AWS_PORT, AWS_ENDPOINT_URL, AWS_REGION, LOCAL_STAGE.`,
  config: { options: { max: { type: "string", default: "1000" } }, allowPositionals: true },
});
const [subcommand, ...extra] = positionals;
if ((subcommand !== "list" && subcommand !== "redrive") || extra.length > 0) {
  exitWithUsageError(NAME, `expected list or redrive, not ${JSON.stringify(positionals.join(" "))}`);
}
const max = parsedOrExit(NAME, () => wholeNumber(values.max, "--max", 1, 100_000));
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

runCli(NAME, target, async () => {
  const sqs = new SQSClient(target.clientConfig);
  const dlqUrl = await queueUrl(sqs, target.names.deadLetterQueueName);
  switch (subcommand) {
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
          max,
        },
        (message) => console.log(`redriven ${summary(message)}`),
      );
      console.log(`${moved} message(s) moved back to ${target.names.requestQueueName}`);
      break;
    }
  }
  sqs.destroy();
});
