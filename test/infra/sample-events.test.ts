import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { APIGatewayProxyEventV2, EventBridgeEvent, SQSEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import {
  SAMPLE_EVENT_FILES,
  SAMPLE_SQS_BODIES,
  SAMPLE_WEBHOOK_SIGNING_KEY,
  buildSampleEvents,
  renderSampleEvent,
} from "./sample-events";

/** The committed events/ files are what the builder makes, and their digests and signatures hold. */

const eventsDir = fileURLToPath(new URL("../../events/", import.meta.url));
const readText = (file: string) => readFileSync(`${eventsDir}${file}`, "utf8");
const readJson = <T>(file: string) => JSON.parse(readText(file)) as T;

/** Verified independently of lib/: HMAC-SHA256 of the raw bytes, hex, constant-time compare. */
function signatureHolds(raw: Buffer, header: string | undefined, key: string): boolean {
  if (header === undefined) return false;
  const expected = createHmac("sha256", key).update(raw).digest();
  const given = Buffer.from(header, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function rawBody(event: APIGatewayProxyEventV2): Buffer {
  return Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8");
}

describe("events/", () => {
  it.each(SAMPLE_EVENT_FILES)("%s is up to date with test/infra/sample-events.ts", (file) => {
    expect(readText(file)).toBe(renderSampleEvent(buildSampleEvents()[file]));
  });

  it("SQS batch: one valid request and two invalid bodies, each with a correct md5OfBody", () => {
    const event = readJson<SQSEvent>("sqs-start-verification.json");
    expect(event.Records.map((r) => r.body)).toEqual([
      SAMPLE_SQS_BODIES.valid,
      SAMPLE_SQS_BODIES.missingClientId,
      SAMPLE_SQS_BODIES.notJson,
    ]);
    for (const record of event.Records) {
      expect(record.md5OfBody).toBe(createHash("md5").update(record.body, "utf8").digest("hex"));
      expect(record.eventSource).toBe("aws:sqs");
    }
    expect(new Set(event.Records.map((r) => r.messageId)).size).toBe(3);
    const valid = JSON.parse(SAMPLE_SQS_BODIES.valid) as Record<string, unknown>;
    expect(typeof valid.requestId).toBe("string");
    expect(typeof valid.clientId).toBe("string");
  });

  it.each(["http-webhook.json", "http-webhook-base64.json"])(
    "%s is signed over its exact raw bytes with the documented local key",
    (file) => {
      const event = readJson<APIGatewayProxyEventV2>(file);
      expect(event.version).toBe("2.0");
      expect(event.routeKey).toBe("POST /markid/webhook");
      expect(event.requestContext.http.method).toBe("POST");
      const raw = rawBody(event);
      expect(signatureHolds(raw, event.headers["idenfy-signature"], SAMPLE_WEBHOOK_SIGNING_KEY)).toBe(true);
      expect(signatureHolds(raw, event.headers["idenfy-signature"], `${SAMPLE_WEBHOOK_SIGNING_KEY}x`)).toBe(
        false,
      );
      expect(Number(event.headers["content-length"])).toBe(raw.length);
      expect(raw.length).toBeLessThan(256 * 1024);
    },
  );

  it("the base64 webhook carries the same bytes as the plain one", () => {
    const plain = readJson<APIGatewayProxyEventV2>("http-webhook.json");
    const encoded = readJson<APIGatewayProxyEventV2>("http-webhook-base64.json");
    expect(encoded.isBase64Encoded).toBe(true);
    expect(plain.isBase64Encoded).toBe(false);
    expect(rawBody(encoded).equals(rawBody(plain))).toBe(true);
    const payload = JSON.parse(rawBody(plain).toString("utf8")) as Record<string, unknown>;
    expect(typeof payload.scanRef).toBe("string");
    expect(typeof payload.clientId).toBe("string");
    expect(payload.final).toBe(false);
  });

  it("the bad-signature webhook is well-formed but signed with another key", () => {
    const event = readJson<APIGatewayProxyEventV2>("http-webhook-bad-signature.json");
    const header = event.headers["idenfy-signature"];
    expect(header).toMatch(/^[0-9a-f]{64}$/);
    expect(signatureHolds(rawBody(event), header, SAMPLE_WEBHOOK_SIGNING_KEY)).toBe(false);
  });

  it("the schedule event is an EventBridge Scheduled Event", () => {
    const event = readJson<EventBridgeEvent<"Scheduled Event", Record<string, never>>>(
      "schedule-check-credentials.json",
    );
    expect(event.source).toBe("aws.events");
    expect(event["detail-type"]).toBe("Scheduled Event");
    expect(event.detail).toEqual({});
  });
});
