// The request queue's dead-letter queue, through the real SQS API, on the running local stack or,
// with --stage, on a deployed one; the subcommands are in the usage text below (`--help`).
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type Message,
} from "@aws-sdk/client-sqs";
import { setTimeout as sleep } from "node:timers/promises";
import { resourceNames } from "../stack/functions";
import { receiveVisible } from "../stack/redrive";
import { commandLineOrExit, exitWithUsageError, parsedOrExit, wholeNumber } from "./command-line";
import { queueUrl, runCli, targetFromEnvironment, type Target } from "./target";

const NAME = "npm run dlq --";
const { values, positionals } = commandLineOrExit({
  name: NAME,
  usage: `[--stage <stage>] list | redrive [--rate N]

  list              the messages in the request queue's DLQ: id, sent time, receive count,
                    requestId and field names (never a body or a value)
  redrive           move them back to the queue they failed in (SQS StartMessageMoveTask),
                    --rate messages per second (default 50, at most 500)

Without --stage: the local stack, found as \`npm start\` chose it (LOCAL_AWS_PORT, AWS_ENDPOINT_URL,
AWS_REGION, LOCAL_STAGE). With --stage: the stack deployed for that stage, with your AWS
credentials and AWS_REGION (default eu-west-1), as \`npx serverless deploy --stage <stage>\` named it.`,
  config: {
    options: { stage: { type: "string" }, rate: { type: "string", default: "50" } },
    allowPositionals: true,
  },
});
const [subcommand, ...extra] = positionals;
if ((subcommand !== "list" && subcommand !== "redrive") || extra.length > 0) {
  exitWithUsageError(NAME, `expected list or redrive, not ${JSON.stringify(positionals.join(" "))}`);
}
const rate = parsedOrExit(NAME, () => wholeNumber(values.rate, "--rate", 1, 500));
const target = deployedOr(targetFromEnvironment());

/** A deployed stage's queues, reached with the default AWS credential chain and region. */
function deployedOr(local: Target): Target & { readonly deployed: boolean } {
  const stage = values.stage;
  if (stage === undefined || stage === "") return { ...local, deployed: false };
  const region = process.env["AWS_REGION"] || "eu-west-1";
  return {
    ...local,
    awsEndpoint: `the AWS account of your credentials (${region})`,
    region,
    names: resourceNames(stage),
    clientConfig: { region },
    deployed: true,
  };
}

/** The requestId of a request body and its field names, never a value (it may hold a person's data). */
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
  const receives = message.Attributes?.["ApproximateReceiveCount"] ?? "?";
  return `${message.MessageId}  sent ${new Date(sent).toISOString()}  receives ${receives}  ${requestId}${fieldNames}`;
}

async function list(sqs: SQSClient, dlqUrl: string): Promise<void> {
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
}

/** StartMessageMoveTask, then its progress until it ends (AWS moves in the background). */
async function redrive(sqs: SQSClient, dlqUrl: string): Promise<void> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }),
  );
  const sourceArn = Attributes?.["QueueArn"] ?? "";
  await sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: sourceArn, MaxNumberOfMessagesPerSecond: rate }),
  );
  for (;;) {
    const [task] =
      (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }))).Results ??
      [];
    const moved = task?.ApproximateNumberOfMessagesMoved ?? 0;
    const toMove = task?.ApproximateNumberOfMessagesToMove ?? moved;
    if (task?.Status !== "RUNNING") {
      console.log(
        `${task?.Status ?? "UNKNOWN"}: ${moved} of ${toMove} message(s) moved back from ${target.names.deadLetterQueueName}`,
      );
      if (task?.Status === "FAILED")
        throw new Error(`the move task failed: ${task.FailureReason ?? "no reason given"}`);
      return;
    }
    console.log(`RUNNING: ${moved} of ${toMove} moved`);
    await sleep(2_000);
  }
}

runCli(NAME, target, async () => {
  const sqs = new SQSClient(target.clientConfig);
  const dlqUrl = await queueUrl(sqs, target.names.deadLetterQueueName);
  await (subcommand === "list" ? list(sqs, dlqUrl) : redrive(sqs, dlqUrl));
  sqs.destroy();
});
