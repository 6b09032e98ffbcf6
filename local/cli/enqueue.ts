// Sends verification requests to the running stack's request queue, through the real SQS API.
// The options are in the usage text below (`--help`).
import { randomBytes } from "node:crypto";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { commandLineOrExit, exitWithUsageError, parsedOrExit, wholeNumber } from "./command-line";
import { queueUrl, runCli, targetFromEnvironment } from "./target";

const NAME = "npx tsx local/cli/enqueue.ts";
const { values } = commandLineOrExit({
  name: NAME,
  usage: `[--dummy-status STATUS] [--request-id ID] [--client-id ID] [--count N] [--field name=value ...] [--raw BODY]

  --dummy-status STATUS   APPROVED, DENIED, SUSPECTED, EXPIRED or ACTIVE: a dummy session whose result
                          webhook follows (development environments only)
  --request-id ID         the idempotency key (default: random); the same id twice spends one token
  --client-id ID          Mark ID's clientId (default: client-<requestId>, so the same id twice is
                          the same request, not a reuse of the id for someone else)
  --count N               N requests at once, 1 to 1000; ids get -1, -2... suffixes
  --field name=value      a token request field (value is JSON when it parses, else a string); repeatable
  --raw BODY              send BODY as is, e.g. not JSON

The stack is found as \`npm start\` chose it: LOCAL_AWS_PORT, AWS_ENDPOINT_URL, AWS_REGION, LOCAL_STAGE.`,
  config: {
    options: {
      "dummy-status": { type: "string" },
      "request-id": { type: "string" },
      "client-id": { type: "string" },
      count: { type: "string", default: "1" },
      field: { type: "string", multiple: true, default: [] },
      raw: { type: "string" },
    },
  },
});

const count = parsedOrExit(NAME, () => wholeNumber(values.count, "--count", 1, 1000));
const target = targetFromEnvironment();

function fieldValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const fields: Record<string, unknown> = {};
for (const field of values.field) {
  const at = field.indexOf("=");
  if (at <= 0) {
    exitWithUsageError(NAME, `--field ${JSON.stringify(field)}: expected name=value`);
  }
  fields[field.slice(0, at)] = fieldValue(field.slice(at + 1));
}

runCli(NAME, target, async () => {
  const sqs = new SQSClient(target.clientConfig);
  const url = await queueUrl(sqs, target.names.requestQueueName);
  const baseRequestId = values["request-id"] ?? `req-${randomBytes(4).toString("hex")}`;
  for (let i = 1; i <= count; i++) {
    const requestId = count === 1 ? baseRequestId : `${baseRequestId}-${i}`;
    const body =
      values.raw ??
      JSON.stringify({
        requestId,
        clientId: values["client-id"] ?? `client-${requestId}`,
        ...(values["dummy-status"] === undefined ? {} : { dummyStatus: values["dummy-status"] }),
        ...fields,
      });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    console.log(
      values.raw === undefined
        ? `sent requestId=${requestId} messageId=${sent.MessageId}`
        : `sent messageId=${sent.MessageId}`,
    );
  }
  sqs.destroy();
});
