/**
 * Generates the consumer contract in docs/events/ (`npm run docs:events`): a JSON Schema of every
 * published message, from the zod schemas in lib/message-schemas.ts, and asyncapi.yaml for the two
 * SNS topics. test/docs/event-schemas.test.ts fails when the committed files differ from a fresh
 * render, so CI fails when the schemas drift from the code.
 */
import { mkdir, readdir, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { format, resolveConfig } from "prettier";
import * as z from "zod";
import { MESSAGE_SCHEMAS } from "../lib/message-schemas";
import {
  asyncApiDocument,
  schemaFileName,
  type MessageSchemaDocument,
  type Topic,
} from "./event-docs/asyncapi";
import { toYaml, type YamlMapping } from "./event-docs/yaml";
import packageJson from "../package.json" with { type: "json" };

export const EVENT_DOCS_DIR = fileURLToPath(new URL("../docs/events/", import.meta.url));

type MessageName = keyof typeof MESSAGE_SCHEMAS;

/** An absolute URI for each schema's `$id`; nothing resolves it, it names the contract. */
const schemaId = (name: MessageName): string => `urn:markid-serverless:events:${name}`;

/**
 * The JSON Schema of one message. Rendered for input: a message a subscriber receives may carry
 * fields added after this schema, so objects are left open (`z.object`'s output would close them).
 */
export function messageSchemaDocument(name: MessageName): Record<string, unknown> {
  const { $schema, ...schema } = z.toJSONSchema(MESSAGE_SCHEMAS[name], { io: "input" });
  return { $schema, $id: schemaId(name), ...schema };
}

const EVENT_NAMES = [
  "verification.session-created",
  "verification.completed",
  "verification.failed",
  "markid.notification",
  "verification.deleted",
  "verification.erased",
] as const satisfies readonly MessageName[];

function topics(): Topic[] {
  const messages = (names: readonly MessageName[]) =>
    names.map((name) => ({
      name,
      schema: messageSchemaDocument(name) as unknown as MessageSchemaDocument,
    }));
  return [
    {
      channel: "events",
      description:
        "The verification events (EventsTopic in serverless.yml; the functions read its ARN from EVENTS_TOPIC_ARN). Encrypted with the AWS-managed SNS key. Filter on the `type` attribute.",
      attributes: ["type"],
      messages: messages(EVENT_NAMES),
    },
    {
      channel: "alerts",
      description:
        "Operational alerts for operators (AlertsTopic; ALERTS_TOPIC_ARN), one per type per window. The Subject is the alert's summary. The CloudWatch alarms of the stack (DLQ depth, function errors) publish here too, in CloudWatch's own format and without these attributes. Filter on `type` and `state`.",
      attributes: ["type", "state"],
      messages: messages(["alert"]),
    },
  ];
}

/** The AsyncAPI document of docs/events/asyncapi.yaml, before it is written as YAML. */
export const eventsAsyncApi = (): YamlMapping => asyncApiDocument(packageJson.version, topics());

/** Prettier with the repository's settings, so the files pass `npm run format:check` as written. */
async function formatted(fileName: string, text: string): Promise<string> {
  const path = join(EVENT_DOCS_DIR, fileName);
  return format(text, { ...(await resolveConfig(path)), filepath: path });
}

/** Every file of docs/events/, by name, as `npm run docs:events` writes it. */
export async function renderEventDocs(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of Object.keys(MESSAGE_SCHEMAS) as MessageName[]) {
    const fileName = schemaFileName(name);
    files.set(fileName, await formatted(fileName, JSON.stringify(messageSchemaDocument(name))));
  }
  files.set("asyncapi.yaml", await formatted("asyncapi.yaml", toYaml(eventsAsyncApi())));
  return files;
}

async function main(): Promise<void> {
  const files = await renderEventDocs();
  await mkdir(EVENT_DOCS_DIR, { recursive: true });
  // A message that is no longer published must not keep its schema.
  for (const stale of (await readdir(EVENT_DOCS_DIR)).filter((name) => !files.has(name))) {
    await unlink(join(EVENT_DOCS_DIR, stale));
  }
  for (const [name, text] of files) await writeFile(join(EVENT_DOCS_DIR, name), text, "utf8");
  console.log(`wrote ${files.size} files to ${EVENT_DOCS_DIR}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
