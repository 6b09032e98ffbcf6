import { createHash, createHmac } from "node:crypto";
import { SAMPLE_RESULT_WEBHOOK } from "../../local/simulator/sample-result";

/**
 * The sample Lambda events in events/, built here so the webhook signature and the SQS body
 * digests are computed rather than pasted. Everything is fixed (ids, times): regenerating gives
 * byte-identical files, and test/infra/sample-events.test.ts checks the committed files against
 * this builder. Shapes follow the events AWS delivers (and Powertools' test fixtures); values are
 * synthetic: no real person, token or key.
 */

/**
 * The webhook signing key the sample webhooks are signed with. A documented local-only value:
 * seed the local secret's `webhookSigningKey` with it (see events/README.md). Never a real key.
 */
export const SAMPLE_WEBHOOK_SIGNING_KEY = "markid-local-webhook-signing-key";

export const SAMPLE_EVENT_FILES = [
  "sqs-start-verification.json",
  "http-webhook.json",
  "http-webhook-base64.json",
  "http-webhook-bad-signature.json",
  "schedule-check-credentials.json",
  "sqs-publish-verification-result.json",
  "schedule-reconcile-sessions.json",
] as const;
export type SampleEventFile = (typeof SAMPLE_EVENT_FILES)[number];

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const TIME_EPOCH_MS = 1_764_064_800_000; // 2025-11-25T10:00:00Z
const REQUEST_QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:markid-serverless-dev-requests`;
const RESULTS_QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:markid-serverless-dev-results`;

function hmacSha256Hex(body: string, key: string): string {
  return createHmac("sha256", key).update(Buffer.from(body, "utf8")).digest("hex");
}

function md5Hex(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

// ------------------------------------------------------------------ SQS

/** The request bodies of the SQS sample, in record order: what each record is meant to show. */
export const SAMPLE_SQS_BODIES = {
  valid: JSON.stringify({
    requestId: "req-0001-5f0c2a",
    clientId: "cust-4821",
    externalRef: "order-77",
    locale: "en",
  }),
  /** Well-formed JSON without the required clientId: a verification.failed event, acknowledged. */
  missingClientId: JSON.stringify({ requestId: "req-0002-9d41b7" }),
  /** Not JSON at all: a malformed record is an outcome, never a crash. */
  notJson: "requestId=req-0003&clientId=cust-4822",
} as const;

function sqsRecord(index: number, body: string, queueArn = REQUEST_QUEUE_ARN): Record<string, unknown> {
  const sent = TIME_EPOCH_MS + index * 1_000;
  return {
    messageId: `6f1c3e2a-1b7d-4c1e-9a0b-00000000000${index + 1}`,
    receiptHandle: `AQEBsample-receipt-handle-${index + 1}`,
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: String(sent),
      SenderId: "AIDAEXAMPLESENDERID",
      ApproximateFirstReceiveTimestamp: String(sent + 15),
    },
    messageAttributes: {},
    md5OfBody: md5Hex(body),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: REGION,
  };
}

function sqsStartVerification(): Record<string, unknown> {
  return {
    Records: [SAMPLE_SQS_BODIES.valid, SAMPLE_SQS_BODIES.missingClientId, SAMPLE_SQS_BODIES.notJson].map(
      (body, index) => sqsRecord(index, body),
    ),
  };
}

// ------------------------------------------------------------------ HTTP API webhook

/** A verification result: automatic result, manual review to follow (local/simulator/sample-result.ts). */
const SAMPLE_WEBHOOK_PAYLOAD = SAMPLE_RESULT_WEBHOOK;

/** The raw body as Mark ID sends it (compact JSON); the signature covers exactly these bytes. */
const SAMPLE_WEBHOOK_BODY = JSON.stringify(SAMPLE_WEBHOOK_PAYLOAD);

function httpWebhook(options: {
  readonly base64: boolean;
  readonly signature: string;
}): Record<string, unknown> {
  const apiId = "a1b2c3d4e5";
  const host = `${apiId}.execute-api.${REGION}.amazonaws.com`;
  return {
    version: "2.0",
    routeKey: "POST /markid/webhook",
    rawPath: "/markid/webhook",
    rawQueryString: "",
    // HTTP APIs hand headers over with lower-case names.
    headers: {
      accept: "*/*",
      "content-length": String(Buffer.byteLength(SAMPLE_WEBHOOK_BODY, "utf8")),
      "content-type": "application/json",
      host,
      "idenfy-signature": options.signature,
      "user-agent": "Apache-HttpClient/4.5.13 (Java/17)",
      "x-amzn-trace-id": "Root=1-6925800a-0123456789abcdef01234567",
      "x-forwarded-for": "198.51.100.24",
      "x-forwarded-port": "443",
      "x-forwarded-proto": "https",
    },
    requestContext: {
      accountId: ACCOUNT,
      apiId,
      domainName: host,
      domainPrefix: apiId,
      http: {
        method: "POST",
        path: "/markid/webhook",
        protocol: "HTTP/1.1",
        sourceIp: "198.51.100.24",
        userAgent: "Apache-HttpClient/4.5.13 (Java/17)",
      },
      requestId: "TdyRqhl1joEEMbQ=",
      routeKey: "POST /markid/webhook",
      stage: "$default",
      time: "25/Nov/2025:10:00:00 +0000",
      timeEpoch: TIME_EPOCH_MS,
    },
    body: options.base64 ? Buffer.from(SAMPLE_WEBHOOK_BODY, "utf8").toString("base64") : SAMPLE_WEBHOOK_BODY,
    isBase64Encoded: options.base64,
  };
}

/** A well-formed signature made with another key: the webhook must answer 401. */
const WRONG_KEY = "not-the-signing-key";

// ------------------------------------------------------------------ SQS results queue

/**
 * What the webhook queues for the sample result above (lib/result-delivery.ts), and a record this
 * project cannot have written: publish-verification-result publishes the first once and gives the
 * second back (it ends in the results DLQ).
 */
const SAMPLE_RESULTS_BODIES = {
  queued: JSON.stringify({
    kind: "verification-result",
    event: {
      type: "verification.completed",
      scanRef: SAMPLE_WEBHOOK_PAYLOAD.scanRef,
      clientId: SAMPLE_WEBHOOK_PAYLOAD.clientId,
      externalRef: SAMPLE_WEBHOOK_PAYLOAD.externalRef,
      final: SAMPLE_WEBHOOK_PAYLOAD.final,
      overall: SAMPLE_WEBHOOK_PAYLOAD.status.overall,
      fraudTags: [],
      mismatchTags: [],
      autoDocument: SAMPLE_WEBHOOK_PAYLOAD.status.autoDocument,
      autoFace: SAMPLE_WEBHOOK_PAYLOAD.status.autoFace,
      manualDocument: null,
      manualFace: null,
      data: SAMPLE_WEBHOOK_PAYLOAD.data,
      source: "webhook",
      receivedAt: "2025-11-25T10:00:00.000Z",
    },
  }),
  malformed: JSON.stringify({ kind: "verification-result", event: { scanRef: "" } }),
} as const;

function sqsPublishVerificationResult(): Record<string, unknown> {
  return {
    Records: [SAMPLE_RESULTS_BODIES.queued, SAMPLE_RESULTS_BODIES.malformed].map((body, index) =>
      sqsRecord(index, body, RESULTS_QUEUE_ARN),
    ),
  };
}

// ------------------------------------------------------------------ EventBridge schedule

function scheduled(ruleName: string): Record<string, unknown> {
  return {
    version: "0",
    id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: ACCOUNT,
    time: "2025-11-25T10:00:00Z",
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/${ruleName}`],
    detail: {},
  };
}

function scheduleCheckCredentials(): Record<string, unknown> {
  return scheduled("markid-serverless-dev-CheckCredentialsEventsRuleSchedu-1A2B3C4D5E6F");
}

/** Every sample event, keyed by its file name under events/. */
export function buildSampleEvents(): Record<SampleEventFile, Record<string, unknown>> {
  const signature = hmacSha256Hex(SAMPLE_WEBHOOK_BODY, SAMPLE_WEBHOOK_SIGNING_KEY);
  return {
    "sqs-start-verification.json": sqsStartVerification(),
    "http-webhook.json": httpWebhook({ base64: false, signature }),
    "http-webhook-base64.json": httpWebhook({ base64: true, signature }),
    "http-webhook-bad-signature.json": httpWebhook({
      base64: false,
      signature: hmacSha256Hex(SAMPLE_WEBHOOK_BODY, WRONG_KEY),
    }),
    "schedule-check-credentials.json": scheduleCheckCredentials(),
    "sqs-publish-verification-result.json": sqsPublishVerificationResult(),
    "schedule-reconcile-sessions.json": scheduled(
      "markid-serverless-dev-ReconcileSessionsEventsRuleSch-6F5E4D3C2B1A",
    ),
  };
}

/** The exact text each file holds (2-space JSON and a final newline). */
export function renderSampleEvent(event: Record<string, unknown>): string {
  return `${JSON.stringify(event, null, 2)}\n`;
}
