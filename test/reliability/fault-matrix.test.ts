import type { SQSEvent, SQSRecord, ScheduledEvent } from "aws-lambda";
import { readFile, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckCredentialsHandler } from "../../functions/check-credentials";
import { createHandler } from "../../functions/start-verification";
import { createVerificationWebhookHandler } from "../../functions/verification-webhook";
import { signWebhookBody } from "../../lib/markid/webhook-signature";
import type { AlertType } from "../../lib/messages";
import type { Dependencies } from "../../lib/runtime/dependencies";
import { RELIABILITY_DOC, replaceSection } from "../../local/chaos/docs";
import {
  ALL_MARKID_FAULTS,
  UNKNOWN_IDENTIFIER,
  type MarkIdFaultClass,
} from "../../local/chaos/markid-faults";
import type { FaultSpec as AwsFaultSpec } from "../../local/aws/index";
import type { FaultSpec } from "../../local/simulator/index";
import { webhookEvent } from "../support/api-gateway-event";
import { lambdaContext } from "../support/lambda-context";
import { useOutputCapture } from "../support/output-capture";
import {
  publishQueuedResults,
  redeliveringPublisher,
  type RedeliveringPublisher,
} from "../support/results-queue";
import { resetStack, STACK_SECRET, useStack } from "../support/stack";
import {
  describeCheck,
  describeStart,
  expectedCheck,
  expectedStart,
  renderMarkdown,
  renderText,
  RETRY_MAX_ATTEMPTS,
  type CheckObservation,
  type MatrixRow,
  type MatrixTable,
  type Section3Action,
  type StartObservation,
} from "./fault-matrix";
import { sqsRecord as buildSqsRecord } from "../support/sqs-record";

/*
 * The fault matrix of issue 6: every Mark ID error identifier (the 10 documented, TOO_MANY_REQUESTS,
 * VALIDATION_ERROR, PARTNER_ERROR, an unknown one), every transport class (timeout, resets, HTML
 * 5xx, truncated JSON, 429), the plain statuses and the real token limit, each injected into the
 * simulator and run through the real handlers (start-verification with both unknown-outcome
 * settings, check-credentials), plus the AWS and delivery faults of the webhook, which makes no
 * Mark ID call. Each cell is what the handler was seen to do, compared with what design.md §3
 * names (test/reliability/fault-matrix.ts). The table is printed, and docs/reliability.md carries
 * it between its matrix markers: this test fails when the committed table differs; run it with
 * UPDATE_RELIABILITY_DOC=1 to rewrite it.
 */

const RATE_LIMITED_BASE_MS = 100;
const TIMEOUT_MS = 400;
const TOKEN_PATH = "/api/v2/token";
const PROBE_PATH = "/api/v2/status";

const stack = useStack({
  env: {
    RETRY_MAX_ATTEMPTS: String(RETRY_MAX_ATTEMPTS),
    RETRY_BASE_DELAY_MS: "10",
    RETRY_RATE_LIMITED_BASE_DELAY_MS: String(RATE_LIMITED_BASE_MS),
    RETRY_MAX_DELAY_MS: "1000",
    MARKID_TIMEOUT_MS: String(TIMEOUT_MS),
  },
});
// The handlers' log lines stay out of the terminal; the table is printed with console.log.
useOutputCapture();
let publisher: RedeliveringPublisher;
beforeAll(() => {
  publisher = redeliveringPublisher(stack());
});

const SCHEDULE = JSON.parse(
  readFileSync(new URL("../../events/schedule-check-credentials.json", import.meta.url), "utf8"),
) as ScheduledEvent;

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

/** What §3 says, per fault class label, in the table's words. */
interface Section3Row {
  readonly action: Section3Action;
  readonly text: string;
}

const S3 = {
  retry: { action: "retry", text: "retry with backoff, then give back" },
  rateLimited: { action: "retry, longer delay", text: "retry with the longer delay, then give back" },
  refresh: {
    action: "refresh credentials",
    text: "re-read the secret, retry once if changed; else credentials-invalid",
  },
  tokenLimit: { action: "token limit", text: "no retry; token-limit alert once per window; give back" },
  permission: { action: "permission denied", text: "no retry; alert; DLQ" },
  reject: { action: "reject request", text: "no retry; verification.failed; acknowledge" },
  clientError: { action: "client error", text: "no retry; alert; DLQ" },
  unknown: {
    action: "unknown outcome",
    text: "retry, but on POST /token an unknown outcome: not retried in place (README)",
  },
} as const satisfies Record<string, Section3Row>;

/** design.md §3, by fault label (markid-faults.ts); the notes say where §3 is silent. */
const SECTION3: Readonly<Record<string, Section3Row>> = {
  INTERNAL_ERROR: S3.retry,
  BAD_VALUE: S3.reject,
  MISSING_VALUE: S3.reject,
  UNAUTHORIZED: S3.refresh,
  ENCODING_ERROR: S3.clientError,
  JSON_ERROR: S3.clientError,
  TOKEN_NOT_VALID: {
    action: "reject request",
    text: "renew in a flow holding a token; start-verification holds none: the caller's data",
  },
  PARTNER_CONTRACT_ERROR: S3.permission,
  METHOD_NOT_ALLOWED: S3.clientError,
  PERMISSIONS_ERROR: { ...S3.permission, text: "other PERMISSIONS_ERROR: no retry; alert; DLQ" },
  TOO_MANY_REQUESTS: S3.rateLimited,
  VALIDATION_ERROR: S3.reject,
  PARTNER_ERROR: {
    action: "reject request",
    text: "(not in §3) refused in the current state: verification.failed",
  },
  [`unknown identifier (${UNKNOWN_IDENTIFIER})`]: S3.clientError,
  "timeout (latency past the call timeout)": S3.unknown,
  "connection reset before a reply": S3.unknown,
  "connection reset after Mark ID handled it": S3.unknown,
  "HTML 502 from a gateway": S3.retry,
  "HTML 503 from a gateway": S3.retry,
  "truncated JSON reply": { action: "client error", text: "response schema mismatch: no retry; alert; DLQ" },
  "429 without identifier": S3.rateLimited,
  "plain HTTP 401 (no identifier)": S3.refresh,
  "plain HTTP 402 (no identifier)": { ...S3.tokenLimit, text: "402: as the token limit" },
  "plain HTTP 403 (no identifier)": S3.permission,
  "plain HTTP 404 (no identifier)": {
    action: "client error",
    text: "(not in §3) a wrong base URL or path: as drift",
  },
  'token limit (balance 0: "Partner reached token limit.")': S3.tokenLimit,
};

interface MarkIdRow {
  readonly label: string;
  /** The fault on every call of the path, or the real token limit (balance 0). */
  readonly inject: (path: string) => void;
}

const markIdRows: readonly MarkIdRow[] = [
  ...ALL_MARKID_FAULTS.map((fault: MarkIdFaultClass) => ({
    label: fault.label,
    inject: (path: string) => injectEverywhere(fault.fault(TIMEOUT_MS), path),
  })),
  {
    label: 'token limit (balance 0: "Partner reached token limit.")',
    inject: () => stack().simulator.control.setTokenBalance(0),
  },
];

function injectEverywhere(fault: FaultSpec, path: string): void {
  stack().simulator.control.injectFault({ fault, path, count: 100 });
}

const section3Of = (label: string): Section3Row => {
  const row = SECTION3[label];
  if (row === undefined) throw new Error(`no design.md §3 entry for the fault "${label}"`);
  return row;
};

const published = (topicArn: string) =>
  stack()
    .aws.sns.published(topicArn)
    .map((message) => ({
      type: message.messageAttributes["type"]?.stringValue,
      state: message.messageAttributes["state"]?.stringValue,
    }));
const firingAlert = (): AlertType | null =>
  (published(stack().resources.alertsTopicArn).find((alert) => alert.state === "firing")?.type as
    AlertType | undefined) ?? null;
const callsTo = (path: string) =>
  stack()
    .simulator.control.requests()
    .filter((request) => request.path === path).length;

function sqsRecord(body: string, messageId = unique("msg")): SQSRecord {
  return buildSqsRecord(body, {
    messageId,
    eventSourceARN: stack().resources.requestQueueArn,
    awsRegion: stack().aws.region,
  });
}

/** One start-verification invocation of one record; backoff sleeps recorded (at their ceiling), not slept. */
async function invokeStart(
  deps: Dependencies,
  record: SQSRecord,
): Promise<{ readonly observation: StartObservation; readonly sleeps: readonly number[] }> {
  const sleeps: number[] = [];
  let refreshes = 0;
  const counted: Dependencies = {
    ...deps,
    refreshCredentials: () => {
      refreshes += 1;
      return deps.refreshCredentials();
    },
  };
  const handler = createHandler(() => counted, {
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.999,
  });
  const callsBefore = callsTo(TOKEN_PATH);
  const eventsBefore = published(stack().resources.eventsTopicArn).length;
  const response = await handler({ Records: [record] } satisfies SQSEvent, lambdaContext(30_000));
  const event = published(stack().resources.eventsTopicArn).slice(eventsBefore)[0]?.type;
  const first = sleeps[0];
  return {
    sleeps,
    observation: {
      calls: callsTo(TOKEN_PATH) - callsBefore,
      backoff: first === undefined ? "none" : first >= RATE_LIMITED_BASE_MS ? "rate-limited" : "standard",
      // The flow asked for the secret to be re-read, bypassing the cache.
      secretReRead: refreshes > 0,
      alert: firingAlert(),
      event:
        event === "verification.failed" || event === "verification.session-created"
          ? event
          : event === undefined
            ? "none"
            : (() => {
                throw new Error(`unexpected event ${event}`);
              })(),
      reply: response.batchItemFailures.length === 0 ? "acknowledged" : "batch item failure",
    },
  };
}

const requestBody = () => JSON.stringify({ requestId: unique("req"), clientId: "matrix-client" });

async function runStart(row: MarkIdRow, unknownOutcome: "redeliver" | "fail"): Promise<StartObservation> {
  await resetStack(stack());
  row.inject(TOKEN_PATH);
  const deps = stack().newContainer({ env: { MARKID_TOKEN_UNKNOWN_OUTCOME: unknownOutcome } });
  return (await invokeStart(deps, sqsRecord(requestBody()))).observation;
}

async function runCheck(inject: () => void): Promise<CheckObservation> {
  await resetStack(stack());
  inject();
  const deps = stack().newContainer();
  const summary = await createCheckCredentialsHandler(() => deps)(SCHEDULE, lambdaContext(30_000));
  return {
    outcome: summary.outcome,
    attempts: summary.attempts,
    refreshed: summary.credentialsRefreshed,
    alert: firingAlert(),
  };
}

// Rows of the printed tables, filled as the cells run (it blocks run in order within the file).
const markIdTable = new Map<string, { section3: string; cells: string[]; ok: boolean[] }>();
const awsRows: MatrixRow[] = [];
const webhookRows: MatrixRow[] = [];

function cell(label: string, column: number, text: string, ok: boolean): void {
  const row = markIdTable.get(label) ?? { section3: section3Of(label).text, cells: [], ok: [] };
  row.cells[column] = text;
  row.ok[column] = ok;
  markIdTable.set(label, row);
}

const same = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);

describe.each([
  { mode: "redeliver", column: 0 },
  { mode: "fail", column: 1 },
] as const)(
  "Mark ID faults × start-verification (MARKID_TOKEN_UNKNOWN_OUTCOME=$mode)",
  ({ mode, column }) => {
    it.each(markIdRows.map((row) => [row.label, row] as const))("%s", async (label, row) => {
      const observed = await runStart(row, mode);
      const expected = expectedStart(section3Of(label).action, mode);
      cell(label, column, describeStart(observed), same(observed, expected));
      expect(observed).toEqual(expected);
    });
  },
);

describe("Mark ID faults × check-credentials (the probe, never POST /api/v2/token)", () => {
  it.each(markIdRows.map((row) => [row.label, row] as const))("%s", async (label, row) => {
    const observed = await runCheck(() => row.inject(PROBE_PATH));
    const expected = expectedCheck(section3Of(label).action);
    cell(label, 2, describeCheck(observed), same(observed, expected));
    expect(observed).toEqual(expected);
    expect(callsTo(TOKEN_PATH)).toBe(0);
  });
});

describe("AWS faults (the SDK's own retries, then the event given back)", () => {
  const outage = (service: AwsFaultSpec["service"], operation?: string): AwsFaultSpec => ({
    service,
    ...(operation === undefined ? {} : { operation }),
    error: "internal",
  });

  it("Secrets Manager GetSecretValue failing", async () => {
    await resetStack(stack());
    stack().aws.faults.inject(outage("secretsmanager", "GetSecretValue"));
    const start = (await invokeStart(stack().newContainer(), sqsRecord(requestBody()))).observation;
    const check = await runCheck(() => stack().aws.faults.inject(outage("secretsmanager", "GetSecretValue")));
    await resetStack(stack());
    stack().aws.faults.inject(outage("secretsmanager", "GetSecretValue"));
    const webhook = await deliver(signedResult(), { sign: true });
    const expected = {
      start: {
        calls: 0,
        backoff: "none",
        secretReRead: false,
        alert: null,
        event: "none",
        reply: "batch item failure",
      },
      check: { outcome: "secrets-unavailable", attempts: 0, refreshed: false, alert: null },
      webhook: { status: 503, completed: 0 },
    };
    awsRows.push({
      fault: "Secrets Manager GetSecretValue failing",
      section3: "give the event back (webhook: 5xx); never swallow",
      cells: [describeStart(start), describeCheck(check), describeDelivery(webhook)],
      ok: same(start, expected.start) && same(check, expected.check) && same(webhook, expected.webhook),
    });
    expect({ start, check, webhook }).toEqual(expected);
  });

  it("SNS Publish failing, then its redelivery", async () => {
    await resetStack(stack());
    const fault = stack().aws.faults.inject(outage("sns", "Publish"));
    const deps = stack().newContainer();
    const record = sqsRecord(requestBody());
    const first = (await invokeStart(deps, record)).observation;
    fault.remove();
    const redelivery = (await invokeStart(deps, record)).observation;
    await resetStack(stack());
    const failing = stack().aws.faults.inject(outage("sns", "Publish"));
    const webhook = await deliver(signedResult(), { sign: true });
    failing.remove();
    const afterOutage = await publishPending();
    const expected = {
      first: {
        calls: 1,
        backoff: "none",
        secretReRead: false,
        alert: null,
        event: "none",
        reply: "batch item failure",
      },
      // The stored session is published again: no second token.
      redelivery: {
        calls: 0,
        backoff: "none",
        secretReRead: false,
        alert: null,
        event: "verification.session-created",
        reply: "acknowledged",
      },
      // Durable intake (§4.4): queued and answered 200; the publisher gives the record back until
      // SNS is back, then publishes it.
      webhook: { status: 200, completed: 0 },
      afterOutage: { completed: 1 },
    };
    awsRows.push({
      fault: "SNS Publish failing, then the redelivery",
      section3: "give the event back (webhook: queued, published when SNS is back); never swallow",
      cells: [
        `${describeStart(first)}; redelivery: ${describeStart(redelivery)}`,
        "— (publishes only alerts)",
        `${describeDelivery(webhook)}; SNS back: ${afterOutage.completed} verification.completed`,
      ],
      ok:
        same(first, expected.first) &&
        same(redelivery, expected.redelivery) &&
        same(webhook, expected.webhook) &&
        same(afterOutage, expected.afterOutage),
    });
    expect({ first, redelivery, webhook, afterOutage }).toEqual(expected);
  });

  it("SQS SendMessage failing (the results queue), then Mark ID's resend", async () => {
    await resetStack(stack());
    const failing = stack().aws.faults.inject(outage("sqs", "SendMessage"));
    const body = signedResult();
    const webhook = await deliver(body, { sign: true });
    failing.remove();
    const resend = await deliver(body, { sign: true });
    const expected = { webhook: { status: 503, completed: 0 }, resend: { status: 200, completed: 1 } };
    awsRows.push({
      fault: "SQS SendMessage failing (results queue), then Mark ID's resend",
      section3: "webhook: 5xx only when the result could not be recorded (§4.1)",
      cells: [
        "— (no results queue)",
        "— (no results queue)",
        `${describeDelivery(webhook)}; resend: ${describeDelivery(resend)}`,
      ],
      ok: same(webhook, expected.webhook) && same(resend, expected.resend),
    });
    expect({ webhook, resend }).toEqual(expected);
  });

  it("DynamoDB failing (every operation)", async () => {
    await resetStack(stack());
    const failing = stack().aws.faults.inject(outage("dynamodb"));
    const start = (await invokeStart(stack().newContainer(), sqsRecord(requestBody()))).observation;
    const webhook = await deliver(signedResult(), { sign: true });
    failing.remove();
    const afterOutage = await publishPending();
    const expected = {
      // The requestId cannot be claimed: no token is spent without its idempotency record.
      start: {
        calls: 0,
        backoff: "none",
        secretReRead: false,
        alert: null,
        event: "none",
        reply: "batch item failure",
      },
      // The webhook needs no DynamoDB (§4.4): queued and answered 200. The publisher cannot claim
      // the delivery, so it publishes nothing (no duplicate is possible) and gives it back.
      webhook: { status: 200, completed: 0 },
      afterOutage: { completed: 1 },
    };
    awsRows.push({
      fault: "DynamoDB failing (every operation)",
      section3: "give back; webhook: 5xx only if the result could not be recorded (§4.1)",
      cells: [
        describeStart(start),
        "— (alert state only)",
        `${describeDelivery(webhook)}; DynamoDB back: ${afterOutage.completed} verification.completed`,
      ],
      ok:
        same(start, expected.start) &&
        same(webhook, expected.webhook) &&
        same(afterOutage, expected.afterOutage),
    });
    expect({ start, webhook, afterOutage }).toEqual(expected);
  });
});

interface DeliveryObservation {
  readonly status: number;
  /** verification.completed events published for this delivery (the webhook queues, the publisher publishes). */
  readonly completed: number;
}

/**
 * Runs publish-verification-result over what the results queue holds (records it gave back
 * earlier first made visible again, as their visibility timeout would): how many events it published.
 */
async function publishPending(): Promise<{ readonly completed: number }> {
  const before = completedCount();
  await publisher.visibilityTimeoutPasses();
  await publishQueuedResults(stack(), { handler: publisher.handler });
  return { completed: completedCount() - before };
}

const describeDelivery = (o: DeliveryObservation) => `${o.status}, ${o.completed} verification.completed`;

function signedResult(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    scanRef: unique("scan"),
    clientId: "matrix-client",
    final: true,
    status: { overall: "APPROVED" },
    ...overrides,
  });
}

async function deliver(
  body: string,
  options: { readonly sign?: boolean; readonly key?: string },
): Promise<DeliveryObservation> {
  const deps = stack().newContainer();
  const handler = createVerificationWebhookHandler(() => deps);
  const headers: Record<string, string> =
    options.sign === true
      ? { "Idenfy-Signature": signWebhookBody(body, options.key ?? STACK_SECRET.webhookSigningKey) }
      : {};
  const reply = await handler(webhookEvent(body, headers), lambdaContext(10_000));
  return { status: reply.statusCode ?? 0, ...(await publishPending()) };
}

const completedCount = () =>
  published(stack().resources.eventsTopicArn).filter((event) => event.type === "verification.completed")
    .length;

describe("verification-webhook deliveries (§4.1)", () => {
  const body = signedResult();
  it.each<[string, string, () => Promise<DeliveryObservation>, DeliveryObservation]>([
    [
      "a new result, correctly signed",
      "200 accepted; verification.completed",
      () => deliver(body, { sign: true }),
      { status: 200, completed: 1 },
    ],
    [
      "the same delivery again",
      "200 accepted; the publisher publishes nothing",
      () => deliver(body, { sign: true }),
      { status: 200, completed: 0 },
    ],
    [
      "signed with another key",
      "401",
      () => deliver(signedResult(), { sign: true, key: "not-the-key" }),
      { status: 401, completed: 0 },
    ],
    ["no signature header", "401", () => deliver(signedResult(), {}), { status: 401, completed: 0 }],
    ["signed, not JSON", "400", () => deliver("{not json", { sign: true }), { status: 400, completed: 0 }],
    [
      "signed JSON without scanRef",
      "400",
      () =>
        deliver(JSON.stringify({ clientId: "c", final: true, status: { overall: "APPROVED" } }), {
          sign: true,
        }),
      { status: 400, completed: 0 },
    ],
    [
      "a body over 256 KB",
      "413",
      () => deliver(signedResult({ pad: "x".repeat(262_144) }), { sign: true }),
      { status: 413, completed: 0 },
    ],
  ])("%s", async (fault, section3, run, expected) => {
    if (fault === "a new result, correctly signed") await resetStack(stack());
    const observed = await run();
    webhookRows.push({ fault, section3, cells: [describeDelivery(observed)], ok: same(observed, expected) });
    expect(observed).toEqual(expected);
  });
});

function tables(): MatrixTable[] {
  return [
    {
      title: "Mark ID faults (verification-webhook makes no Mark ID call)",
      columns: ["start-verification", "start-verification, unknown outcome = fail", "check-credentials"],
      rows: markIdRows.map((row) => {
        const entry = markIdTable.get(row.label);
        return {
          fault: row.label,
          section3: entry?.section3 ?? section3Of(row.label).text,
          cells: [0, 1, 2].map((column) => entry?.cells[column] ?? "not run"),
          ok: [0, 1, 2].every((column) => entry?.ok[column] === true),
        };
      }),
    },
    {
      title: "AWS faults",
      columns: ["start-verification", "check-credentials", "verification-webhook"],
      rows: awsRows,
    },
    { title: "Webhook deliveries", columns: ["verification-webhook"], rows: webhookRows },
  ];
}

describe("the table", () => {
  it("covers every identifier and transport class the issue names", () => {
    const labels = markIdRows.map((row) => row.label);
    for (const name of [
      "INTERNAL_ERROR",
      "BAD_VALUE",
      "MISSING_VALUE",
      "UNAUTHORIZED",
      "ENCODING_ERROR",
      "JSON_ERROR",
      "TOKEN_NOT_VALID",
      "PARTNER_CONTRACT_ERROR",
      "METHOD_NOT_ALLOWED",
      "PERMISSIONS_ERROR",
      "TOO_MANY_REQUESTS",
      "VALIDATION_ERROR",
      "PARTNER_ERROR",
    ])
      expect(labels).toContain(name);
    expect(labels.some((label) => label.startsWith("unknown identifier"))).toBe(true);
    for (const transport of ["timeout", "connection reset", "HTML 502", "truncated JSON", "429"])
      expect(labels.some((label) => label.startsWith(transport))).toBe(true);
  });

  it("is printed, and docs/reliability.md carries the same table", async () => {
    const all = tables();
    console.log(`\nFault matrix\n\n${renderText(all)}`);
    const cells = all.flatMap((table) => table.rows);
    expect(cells.filter((row) => !row.ok).map((row) => row.fault)).toEqual([]);
    const fresh = replaceSection(await readFile(RELIABILITY_DOC, "utf8"), "matrix", renderMarkdown(all));
    if (process.env["UPDATE_RELIABILITY_DOC"] === "1") await writeFile(RELIABILITY_DOC, fresh);
    const committed = await readFile(RELIABILITY_DOC, "utf8");
    expect(committed, "docs/reliability.md is stale: run this test with UPDATE_RELIABILITY_DOC=1").toBe(
      fresh,
    );
  });
});

afterAll(async () => {
  await resetStack(stack());
});
