import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ALERT_TYPES } from "../../lib/messages";
import { EVENT_DOCS_DIR, eventsAsyncApi, renderEventDocs } from "../../scripts/event-schemas";

/*
 * docs/events/ is the contract other systems code against: it must be what the zod schemas say
 * (CI runs this suite, so a schema changed without `npm run docs:events` fails the build), and
 * the AsyncAPI document must point at files and parts that exist.
 */

let rendered: Map<string, string>;
beforeAll(async () => {
  rendered = await renderEventDocs();
});

const schemaFiles = () => [...rendered.keys()].filter((name) => name.endsWith(".schema.json"));
const parsedSchema = (name: string) =>
  JSON.parse(rendered.get(name)!) as {
    $id: string;
    title: string;
    description: string;
    required: string[];
    additionalProperties?: unknown;
    properties: Record<string, { const?: string; enum?: string[] }>;
  };

describe("docs/events/", () => {
  it("holds exactly what `npm run docs:events` generates from lib/message-schemas.ts (run it after changing a message)", async () => {
    expect([...(await readdir(EVENT_DOCS_DIR))].sort()).toEqual([...rendered.keys()].sort());
    for (const [name, text] of rendered) {
      expect(await readFile(join(EVENT_DOCS_DIR, name), "utf8"), name).toBe(text);
    }
  });

  it("has a schema per event type, named after the type it fixes, and one for the alerts", () => {
    expect(schemaFiles().sort()).toEqual([
      "alert.schema.json",
      "markid.notification.schema.json",
      "verification.completed.schema.json",
      "verification.deleted.schema.json",
      "verification.erased.schema.json",
      "verification.failed.schema.json",
      "verification.session-created.schema.json",
    ]);
    for (const file of schemaFiles().filter((name) => name !== "alert.schema.json")) {
      expect(parsedSchema(file).properties["type"]?.const).toBe(file.replace(".schema.json", ""));
    }
    expect(parsedSchema("alert.schema.json").properties["type"]?.enum).toEqual([...ALERT_TYPES]);
  });

  it.each(["verification.completed.schema.json", "alert.schema.json"])(
    "%s: requires its fields, leaves room for added ones, has an $id, a title and a description",
    (file) => {
      const schema = parsedSchema(file);
      expect(schema.required).toContain("type");
      expect(schema.additionalProperties).toBeUndefined();
      expect(schema.$id).toMatch(/^urn:markid-serverless:events:/);
      expect(schema.title.length).toBeGreaterThan(0);
      expect(schema.description.length).toBeGreaterThan(10);
    },
  );
});

describe("docs/events/asyncapi.yaml", () => {
  const document = eventsAsyncApi();

  /** Every `$ref` in the document with the path it was found at. */
  function refs(value: unknown, at = ""): { at: string; ref: string }[] {
    if (typeof value !== "object" || value === null) return [];
    return Object.entries(value).flatMap(([key, item]) =>
      key === "$ref" && typeof item === "string" ? [{ at, ref: item }] : refs(item, `${at}/${key}`),
    );
  }

  const resolve = (pointer: string): unknown =>
    pointer
      .slice(2)
      .split("/")
      .reduce<unknown>(
        (node, part) => (node as Record<string, unknown> | undefined)?.[part.replaceAll("~1", "/")],
        document,
      );

  it("is AsyncAPI 3.0 with the events and alerts topics, named as serverless.yml names them", async () => {
    expect(document["asyncapi"]).toBe("3.0.0");
    const channels = document["channels"] as Record<string, { address: string }>;
    expect(Object.keys(channels)).toEqual(["events", "alerts"]);
    const template = await readFile(new URL("../../serverless.yml", import.meta.url), "utf8");
    expect(template).toMatch(/^service: markid-serverless$/m);
    for (const [name, channel] of Object.entries(channels)) {
      expect(channel.address).toBe(`markid-serverless-{stage}-${name}`);
      expect(template).toContain(`TopicName: \${self:service}-\${sls:stage}-${name}`);
    }
  });

  it("every internal $ref resolves, every file $ref is a generated schema", () => {
    const all = refs(document);
    expect(all.length).toBeGreaterThan(10);
    for (const { at, ref } of all) {
      if (ref.startsWith("#/")) expect(resolve(ref), `${at}: ${ref}`).toBeDefined();
      else expect(rendered.has(ref.replace(/^\.\//, "")), `${at}: ${ref}`).toBe(true);
    }
  });

  it("documents the SNS attributes the notifier sets: `type` on events, `type` and `state` on alerts", () => {
    const messages = (
      document["components"] as { messages: Record<string, { headers: { required: string[] } }> }
    ).messages;
    for (const [name, message] of Object.entries(messages)) {
      expect(message.headers.required, name).toEqual(name === "alert" ? ["type", "state"] : ["type"]);
    }
    expect(Object.keys(messages).sort()).toEqual(
      schemaFiles()
        .map((file) => file.replace(".schema.json", ""))
        .sort(),
    );
  });
});
