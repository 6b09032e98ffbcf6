// A dead-letter queue (the request queue's, or with --queue results the results queue's), through
// the real SQS API, on the running local stack or, with --stage, on a deployed one; the
// subcommands are in the usage text below (`--help`).
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
  usage: `[--stage <stage>] [--queue requests|results] list | redrive [--rate N]

  --queue           whose DLQ: the request queue's (default) or the results queue's
  list              the messages in the DLQ: id, sent time, receive count, and the requestId
                    (requests) or kind, scanRef and source (results), with field names; never a
                    body or another value
  redrive           move them back to the queue they failed in (SQS StartMessageMoveTask),
                    --rate messages per second (default 50, at most 500)

Without --stage: the local stack, found as \`npm start\` chose it (LOCAL_AWS_PORT, AWS_ENDPOINT_URL,
AWS_REGION, LOCAL_STAGE). With --stage: the stack deployed for that stage, with your AWS
credentials and AWS_REGION (default eu-west-1), as \`npx serverless deploy --stage <stage>\` named it.`,
  config: {
    options: {
      stage: { type: "string" },
      queue: { type: "string", default: "requests" },
      rate: { type: "string", default: "50" },
    },
    allowPositionals: true,
  },
});
const [subcommand, ...extra] = positionals;
if ((subcommand !== "list" && subcommand !== "redrive") || extra.length > 0) {
  exitWithUsageError(NAME, `expected list or redrive, not ${JSON.stringify(positionals.join(" "))}`);
}
const queue = values.queue;
if (queue !== "requests" && queue !== "results") {
  exitWithUsageError(NAME, `--queue must be requests or results, not ${JSON.stringify(queue)}`);
}
const rate = parsedOrExit(NAME, () => wholeNumber(values.rate, "--rate", 1, 500));
const target = deployedOr(targetFromEnvironment());
const dlqName =
  queue === "results" ? target.names.resultsDeadLetterQueueName : target.names.deadLetterQueueName;

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

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The body's JSON object, or undefined. */
function bodyObject(message: Message): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(message.Body ?? "");
    return isObject(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

/** The requestId of a request body and its field names, never a value (it may hold a person's data). */
function requestSummary(body: Record<string, unknown> | undefined): string {
  if (body === undefined) return "(body is not a JSON request)";
  const requestId =
    typeof body["requestId"] === "string" ? `requestId=${body["requestId"]}` : "(no requestId)";
  return `${requestId} fields=${Object.keys(body).join(",")}`;
}

/**
 * A queued result's kind, scanRef and source, and its event's field names: never a value of the
 * event (its `data` and `payload` are a person's data; its status is theirs too).
 */
function resultSummary(body: Record<string, unknown> | undefined): string {
  const event = body?.["event"];
  if (body === undefined || !isObject(event)) return "(body is not a queued result)";
  const text = (value: unknown) => (typeof value === "string" ? value : "?");
  const scanRef = typeof event["scanRef"] === "string" ? ` scanRef=${event["scanRef"]}` : "";
  const source = typeof event["source"] === "string" ? ` source=${event["source"]}` : "";
  return `kind=${text(body["kind"])}${scanRef}${source} fields=${Object.keys(event).join(",")}`;
}

function summary(message: Message): string {
  const body = bodyObject(message);
  const sent = Number(message.Attributes?.["SentTimestamp"] ?? 0);
  const receives = message.Attributes?.["ApproximateReceiveCount"] ?? "?";
  const what = queue === "results" ? resultSummary(body) : requestSummary(body);
  return `${message.MessageId}  sent ${new Date(sent).toISOString()}  receives ${receives}  ${what}`;
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
    `${messages.length} message(s) in ${dlqName}` + (held > 0 ? ` (+${held} held by another reader)` : ""),
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
        `${task?.Status ?? "UNKNOWN"}: ${moved} of ${toMove} message(s) moved back from ${dlqName}`,
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
  const dlqUrl = await queueUrl(sqs, dlqName);
  await (subcommand === "list" ? list(sqs, dlqUrl) : redrive(sqs, dlqUrl));
  sqs.destroy();
});
