// Sends verification requests to the running stack's request queue, through the real SQS API.
//
//   npx tsx local/cli/enqueue.ts [--dummy-status APPROVED|DENIED|SUSPECTED|EXPIRED|ACTIVE]
//                                [--request-id ID] [--client-id ID] [--count N]
//                                [--field name=value ...] [--raw BODY]
//
// --field adds a token field of markid-api.md §3.1 (the value is JSON when it parses, else a string);
// --raw sends BODY as is (e.g. not JSON). With --count, request ids get a -1, -2... suffix.
import { randomBytes } from "node:crypto";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { parseArgs } from "node:util";
import { queueUrl, runCli, targetFromEnvironment } from "./target";

const { values } = parseArgs({
  options: {
    "dummy-status": { type: "string" },
    "request-id": { type: "string" },
    "client-id": { type: "string" },
    count: { type: "string", default: "1" },
    field: { type: "string", multiple: true, default: [] },
    raw: { type: "string" },
  },
  strict: true,
});

const target = targetFromEnvironment();
const count = Number(values.count);
if (!Number.isInteger(count) || count < 1 || count > 1000) {
  console.error("--count must be a whole number from 1 to 1000");
  process.exit(2);
}

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
    console.error(`--field ${field}: expected name=value`);
    process.exit(2);
  }
  fields[field.slice(0, at)] = fieldValue(field.slice(at + 1));
}

runCli(target, async () => {
  const sqs = new SQSClient(target.clientConfig);
  const url = await queueUrl(sqs, target.names.requestQueueName);
  const baseRequestId = values["request-id"] ?? `req-${randomBytes(4).toString("hex")}`;
  for (let i = 1; i <= count; i++) {
    const requestId = count === 1 ? baseRequestId : `${baseRequestId}-${i}`;
    const body =
      values.raw ??
      JSON.stringify({
        requestId,
        clientId: values["client-id"] ?? `client-${randomBytes(4).toString("hex")}`,
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
