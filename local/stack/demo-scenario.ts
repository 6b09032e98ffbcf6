import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { localAwsClientConfig, type LocalAws } from "../aws/index";
import { cut, timestamped } from "./console-lines";
import { SERVICE } from "./functions";
import { describeHandlerLog, tapHandlerLogs } from "./handler-log-tap";
import { tapMetricLines, type MetricTap } from "./metric-tap";
import type { PublishedRecord } from "./published-feed";
import { redriveDeadLetters, visibleMessages } from "./redrive";
import type { LocalStackSettings } from "./settings";
import { startLocalStack, type LocalStack } from "./stack";
import { until } from "./wait";

export interface DemoStep {
  readonly name: string;
  readonly ok: boolean;
  /** What the step showed, or why it failed. */
  readonly detail: string;
  readonly durationMs: number;
}

export interface DemoSummary {
  readonly ok: boolean;
  readonly steps: readonly DemoStep[];
  readonly durationMs: number;
}

export interface DemoOptions {
  /** The demo's narration. Default: nowhere. */
  readonly log?: (line: string) => void;
  /** The stack's own lines (batches, webhooks, published messages). Default: nowhere. */
  readonly stackLog?: (line: string) => void;
  /** Overrides of the demo's stack settings. */
  readonly settings?: Partial<LocalStackSettings>;
  /** Longest wait for any one expected outcome. Default 20 s. */
  readonly waitMs?: number;
  /** How long SNS is down in the outage step. Default 30 s. */
  readonly snsOutageMs?: number;
}

export const DEFAULT_SNS_OUTAGE_MS = 30_000;

/**
 * The demo's stack: random ports (it runs beside `npm start`), a 2 s visibility timeout on both
 * queues and a receive limit of 3 so give-backs and the DLQ show within seconds, a short batching
 * window, and a Mark ID rate limit high enough that the client-side limiter does not pace the demo.
 * The reconciler runs when the demo says so, and asks about a session as soon as its token has
 * expired. The handlers' EMF metric lines are on (the stack's default is off), so the demo can read
 * the metrics they count (metric-tap.ts keeps the lines from the terminal).
 */
export const DEMO_SETTINGS: Partial<LocalStackSettings> = {
  simulatorPort: 0,
  awsPort: 0,
  webhookPort: 0,
  stage: "demo",
  visibilityTimeoutSeconds: 2,
  maxReceiveCount: 3,
  resultsVisibilityTimeoutSeconds: 2,
  credentialCheckIntervalSeconds: 3600,
  reconcileIntervalSeconds: 3600,
  // serverless.yml waits up to 1 s to fill a batch; the demo sends one request at a time.
  batchingWindowMs: 250,
  webhookRetryIntervalMs: 100,
  functionEnvironment: {
    MARKID_RATE_LIMIT_PER_HOUR: "36000",
    RECONCILE_AFTER_SECONDS: "0",
    POWERTOOLS_METRICS_DISABLED: "false",
  },
};

interface Demo {
  readonly stack: LocalStack;
  readonly say: (line: string) => void;
  readonly waitMs: number;
  readonly snsOutageMs: number;
  /** The metrics the handlers counted so far. */
  readonly metrics: MetricTap;
  /** Mark ID's key pair now (the rotation step changes it), for the demo's own calls as the reviewer. */
  keyPair: { readonly apiKey: string; readonly apiSecret: string };
  /** A requestId unique to this run. */
  id(name: string): string;
}

const TOKEN_LIMIT = "markid.token-limit-reached";

/**
 * `npm run demo`: starts the local stack in this process and walks through what the system is
 * for — a session and its result, idempotency, credential rotation, the token limit, a bad
 * request, a result kept through an SNS outage, a lost webhook recovered by reconciliation —
 * checking each outcome on the real messages, queues and metrics. Every step runs even when an
 * earlier one failed; the summary says which passed.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoSummary> {
  const started = Date.now();
  const say = options.log ?? (() => undefined);
  const steps: DemoStep[] = [];
  const run = randomBytes(3).toString("hex");

  // Before the stack starts: the timers' first runs at start already write metric and log lines.
  const metrics = tapMetricLines({ namespace: process.env["POWERTOOLS_METRICS_NAMESPACE"] || "MarkId" });
  const stopLogTap = tapDemoHandlerLogs(options.stackLog);
  try {
    let stack: LocalStack | undefined;
    await step(steps, say, "Start the stack (simulator, local AWS, the five functions)", async () => {
      stack = await startLocalStack(
        { ...DEMO_SETTINGS, ...options.settings },
        options.stackLog ? { log: options.stackLog } : {},
      );
      const s = stack.settings;
      return (
        `simulator ${stack.simulator.url}, AWS ${stack.awsEndpoint}, webhook ${stack.webhookUrl}; ` +
        `visibility ${s.visibilityTimeoutSeconds} s (results ${s.resultsVisibilityTimeoutSeconds} s), ` +
        `DLQ after ${s.maxReceiveCount} receives, batching window ${s.batchingWindowMs} ms`
      );
    });
    if (stack === undefined) return { ok: false, steps, durationMs: Date.now() - started };

    const snsOutageMs = options.snsOutageMs ?? DEFAULT_SNS_OUTAGE_MS;
    const demo: Demo = {
      stack,
      say,
      waitMs: options.waitMs ?? 20_000,
      snsOutageMs,
      metrics,
      keyPair: { apiKey: stack.secretValue.apiKey, apiSecret: stack.secretValue.apiSecret },
      id: (name) => `demo-${run}-${name}`,
    };
    try {
      await step(steps, say, "A request becomes a session; its signed webhook a completed event", () =>
        sessionAndResult(demo),
      );
      await step(steps, say, "A duplicate request spends no second token", () => duplicateRequest(demo));
      await step(steps, say, "Rotated credentials are picked up without a failed request", () =>
        rotatedCredentials(demo),
      );
      await step(steps, say, "Token limit: one alert, nothing lost; top-up, resolved alert, redrive", () =>
        tokenLimit(demo),
      );
      await step(steps, say, "A bad request ends in verification.failed", () => badRequest(demo));
      await step(steps, say, snsOutageStepName(snsOutageMs), () => snsOutage(demo));
      await step(
        steps,
        say,
        "A webhook lost outright: reconciliation delivers it, the metric counts it",
        () => lostWebhook(demo),
      );
    } finally {
      await stack.close();
    }
    return { ok: steps.every((s) => s.ok), steps, durationMs: Date.now() - started };
  } finally {
    stopLogTap();
    metrics.stop();
  }
}

/**
 * The handlers' own JSON log lines (ERROR and up unless POWERTOOLS_LOG_LEVEL says otherwise; the
 * SNS outage writes some) become one stack line each, as in `npm start`, from named fields only;
 * the raw lines reach the terminal only when POWERTOOLS_LOG_LEVEL asks for them.
 */
function tapDemoHandlerLogs(stackLog: ((line: string) => void) | undefined): () => void {
  return tapHandlerLogs({
    service: process.env["POWERTOOLS_SERVICE_NAME"] || SERVICE,
    show: process.env["POWERTOOLS_LOG_LEVEL"] || "SILENT",
    onEntry: (entry) => {
      const line =
        describeHandlerLog(entry) ??
        (entry["level"] === "ERROR" || entry["level"] === "CRITICAL"
          ? `error  ${cut(String(entry["message"]), 160)}` +
            (typeof entry["reason"] === "string" ? ` (${cut(entry["reason"], 80)})` : "")
          : undefined);
      if (line !== undefined) stackLog?.(timestamped(line));
    },
  });
}

async function step(
  steps: DemoStep[],
  say: (line: string) => void,
  name: string,
  body: () => Promise<string>,
): Promise<void> {
  say(`\n▶ ${steps.length + 1}. ${name}`);
  const started = Date.now();
  try {
    const detail = await body();
    steps.push({ name, ok: true, detail, durationMs: Date.now() - started });
    say(`  ✔ ${detail}`);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    steps.push({ name, ok: false, detail, durationMs: Date.now() - started });
    say(`  ✘ ${detail}`);
  }
}

// ---------------------------------------------------------------- helpers over the stack

/** The verification.session-created event of `requestId`, once it is published. */
function sessionCreated(demo: Demo, requestId: string): Promise<PublishedRecord> {
  return waitEvent(
    demo,
    "verification.session-created",
    (b) => b["requestId"] === requestId,
    "verification.session-created",
  );
}

function waitEvent(
  demo: Demo,
  type: string,
  predicate: (body: Readonly<Record<string, unknown>>) => boolean,
  what: string,
): Promise<PublishedRecord> {
  return demo.stack.published.waitFor(
    what,
    (r) => r.topic === "events" && r.type === type && predicate(r.body),
    demo.waitMs,
  );
}

function events(demo: Demo, type: string, requestId: string): PublishedRecord[] {
  return demo.stack.published.list(
    (r) => r.topic === "events" && r.type === type && r.body["requestId"] === requestId,
  );
}

function alerts(demo: Demo, type: string, state: string): PublishedRecord[] {
  return demo.stack.published.list((r) => r.topic === "alerts" && r.type === type && r.state === state);
}

/** The poller deleted the message: the function acknowledged it. */
function acknowledged(demo: Demo, messageId: string): boolean {
  return demo.stack.batches.some((b) => b.deleted.includes(messageId));
}

function givenBack(demo: Demo, messageId: string): boolean {
  return demo.stack.batches.some((b) => b.returned.includes(messageId));
}

/** Successful POST /api/v2/token calls the simulator answered: each one spent a token. */
function tokensCreated(demo: Demo): number {
  return demo.stack.simulator.control.requests().filter((r) => r.path === "/api/v2/token" && r.status === 201)
    .length;
}

function short(id: unknown): string {
  return String(id).slice(0, 8);
}

// ---------------------------------------------------------------- the steps

async function sessionAndResult(demo: Demo): Promise<string> {
  const requestId = demo.id("approved");
  demo.say(
    `  enqueue {"requestId":"${requestId}","dummyStatus":"APPROVED"}: Mark ID sends the result at once`,
  );
  await demo.stack.enqueue({ requestId, clientId: "demo-client-1", dummyStatus: "APPROVED" });
  const session = await sessionCreated(demo, requestId);
  const scanRef = session.body["scanRef"];
  if (typeof scanRef !== "string" || typeof session.body["authToken"] !== "string")
    throw new Error("the session-created event has no scanRef or authToken");
  const completed = await waitEvent(
    demo,
    "verification.completed",
    (b) => b["scanRef"] === scanRef,
    `verification.completed for scanRef ${scanRef}`,
  );
  if (completed.body["overall"] !== "APPROVED")
    throw new Error(
      `verification.completed says overall=${String(completed.body["overall"])}, expected APPROVED`,
    );
  // The event is published before the webhook's reply reaches the simulator, so wait for its record.
  await until(
    "the simulator's record of a webhook delivery answered 200",
    () => demo.stack.simulator.control.webhooks().some((d) => d.body.includes(scanRef) && d.status === 200),
    demo.waitMs,
  );
  return `session ${short(scanRef)}… created; signed webhook → 200 → verification.completed overall=APPROVED final=${String(completed.body["final"])}`;
}

async function duplicateRequest(demo: Demo): Promise<string> {
  const requestId = demo.id("duplicate");
  const body = { requestId, clientId: "demo-client-2" };
  const balanceBefore = demo.stack.simulator.control.tokenBalance();
  const tokensBefore = tokensCreated(demo);
  demo.say(`  enqueue {"requestId":"${requestId}"} twice`);
  await demo.stack.enqueue(body);
  await sessionCreated(demo, requestId);
  const second = await demo.stack.enqueue(body);
  await until("the duplicate acknowledged", () => acknowledged(demo, second), demo.waitMs);
  await until(
    "the session re-published for the duplicate",
    () => events(demo, "verification.session-created", requestId).length >= 2,
    demo.waitMs,
  );

  const scanRefs = new Set(
    events(demo, "verification.session-created", requestId).map((r) => r.body["scanRef"]),
  );
  const spent = balanceBefore - demo.stack.simulator.control.tokenBalance();
  const created = tokensCreated(demo) - tokensBefore;
  if (scanRefs.size !== 1) throw new Error(`the duplicate got another session (${scanRefs.size} scanRefs)`);
  if (spent !== 1 || created !== 1)
    throw new Error(`${created} tokens created and ${spent} spent for one requestId, expected 1`);
  return `2 messages, 1 token spent (balance ${balanceBefore} → ${balanceBefore - spent}); the duplicate re-published the same session ${short([...scanRefs][0])}…`;
}

async function rotatedCredentials(demo: Demo): Promise<string> {
  const { stack } = demo;
  const pair = {
    apiKey: `demo-key-${randomBytes(3).toString("hex")}`,
    apiSecret: randomBytes(16).toString("hex"),
  };
  // As `local/cli/simulator.ts rotate` does: the secret first, then Mark ID (see the reason there).
  const secrets = new SecretsManagerClient(localAwsClientConfig(stack.awsEndpoint, stack.settings.region));
  try {
    await secrets.send(
      new PutSecretValueCommand({
        SecretId: stack.resources.secretArn,
        SecretString: JSON.stringify({ ...stack.secretValue, ...pair }),
      }),
    );
  } finally {
    secrets.destroy();
  }
  stack.simulator.control.rotateCredentials(pair.apiKey, pair.apiSecret);
  demo.keyPair = pair;
  demo.say(
    `  new key pair in Secrets Manager and at Mark ID (apiKey ${pair.apiKey}); the functions still cache the old one`,
  );

  const requestsBefore = stack.simulator.control.requests().length;
  const requestId = demo.id("rotated");
  const messageId = await stack.enqueue({ requestId, clientId: "demo-client-3" });
  await sessionCreated(demo, requestId);
  await until("the request acknowledged", () => acknowledged(demo, messageId), demo.waitMs);

  if (givenBack(demo, messageId)) throw new Error("the request was given back once before it succeeded");
  const invalid = alerts(demo, "markid.credentials-invalid", "firing");
  if (invalid.length > 0) throw new Error("a markid.credentials-invalid alert was raised");
  const unauthorized = stack.simulator.control
    .requests()
    .slice(requestsBefore)
    .filter((r) => !r.authorized).length;
  return (
    `${unauthorized} UNAUTHORIZED reply → key pair re-read from Secrets Manager → retried → session created on the ` +
    "first delivery, no alert"
  );
}

async function tokenLimit(demo: Demo): Promise<string> {
  const { stack } = demo;
  const control = stack.simulator.control;
  const count = 6;
  control.setTokenBalance(0);
  demo.say(`  token balance 0; enqueue ${count} requests`);
  const requestIds = Array.from({ length: count }, (_, i) => demo.id(`limit-${i + 1}`));
  const messageIds: string[] = [];
  for (const requestId of requestIds)
    messageIds.push(await stack.enqueue({ requestId, clientId: "demo-client-4" }));

  await stack.published.waitFor(
    `a ${TOKEN_LIMIT} firing alert`,
    (r) => r.topic === "alerts" && r.type === TOKEN_LIMIT && r.state === "firing",
    demo.waitMs,
  );
  // Nothing is acknowledged while no token can be made: each request uses up its receives and
  // waits in the DLQ, which is where the runbook's top-up-then-redrive finds it.
  await until(
    "every request in the DLQ after its last receive",
    async () => (await visibleMessages(stack.sqs, stack.resources.deadLetterQueueUrl)) >= count,
    demo.waitMs,
    250,
  );
  if (messageIds.some((id) => acknowledged(demo, id)))
    throw new Error("a request was acknowledged (deleted) while no token could be made");
  const failed = requestIds.filter((id) => events(demo, "verification.failed", id).length > 0);
  if (failed.length > 0)
    throw new Error(`${failed.length} request(s) ended in verification.failed instead of being kept`);
  if (stack.aws !== undefined) {
    const held = new Set(stack.aws.sqs.messages(stack.resources.deadLetterQueueUrl).map((m) => m.messageId));
    const missing = messageIds.filter((id) => !held.has(id));
    if (missing.length > 0) throw new Error(`${missing.length} request(s) are not in the DLQ`);
  }
  const firing = alerts(demo, TOKEN_LIMIT, "firing").length;
  if (firing !== 1) throw new Error(`${firing} firing ${TOKEN_LIMIT} alerts for one condition, expected 1`);
  const giveBacks = stack.batches.reduce(
    (n, b) => n + b.returned.filter((id) => messageIds.includes(id)).length,
    0,
  );
  demo.say(
    `  1 alert, ${giveBacks} give-backs, all ${count} requests in the DLQ; top-up to 100 tokens, redrive`,
  );

  control.setTokenBalance(100);
  const redriven = await redriveDeadLetters(stack.sqs, {
    deadLetterQueueUrl: stack.resources.deadLetterQueueUrl,
    sourceQueueUrl: stack.resources.requestQueueUrl,
  });
  if (redriven !== count) throw new Error(`${redriven} messages redriven from the DLQ, expected ${count}`);
  await until(
    "a session for every redriven request",
    () => requestIds.every((id) => events(demo, "verification.session-created", id).length > 0),
    demo.waitMs,
  );
  await stack.published.waitFor(
    `a ${TOKEN_LIMIT} resolved alert`,
    (r) => r.topic === "alerts" && r.type === TOKEN_LIMIT && r.state === "resolved",
    demo.waitMs,
  );
  const spent = 100 - control.tokenBalance();
  const resolved = alerts(demo, TOKEN_LIMIT, "resolved").length;
  const firingAfter = alerts(demo, TOKEN_LIMIT, "firing").length;
  if (spent !== count) throw new Error(`${spent} tokens spent for ${count} requests`);
  if (resolved !== 1 || firingAfter !== 1)
    throw new Error(`${firingAfter} firing and ${resolved} resolved alerts, expected one of each`);
  return (
    `${count} requests at 0 tokens → 1 firing alert, all kept (${giveBacks} give-backs, then the DLQ); ` +
    `top-up and redrive of ${redriven} → ${count} sessions, ${spent} tokens, 1 resolved alert`
  );
}

async function badRequest(demo: Demo): Promise<string> {
  const requestId = demo.id("bad");
  demo.say(`  enqueue {"requestId":"${requestId}","locale":"not a language"}: not a language code`);
  const messageId = await demo.stack.enqueue({
    requestId,
    clientId: "demo-client-5",
    locale: "not a language",
  });
  const failed = await waitEvent(
    demo,
    "verification.failed",
    (b) => b["requestId"] === requestId,
    "verification.failed",
  );
  await until("the bad request acknowledged", () => acknowledged(demo, messageId), demo.waitMs);
  const fields = Array.isArray(failed.body["fields"]) ? (failed.body["fields"] as unknown[]).map(String) : [];
  if (!fields.some((f) => f.includes("locale")))
    throw new Error(`verification.failed names fields [${fields.join(", ")}], not locale`);
  if (givenBack(demo, messageId)) throw new Error("the bad request was given back (it will only fail again)");
  const identifier =
    typeof failed.body["identifier"] === "string" ? `, identifier ${failed.body["identifier"]}` : "";
  return `verification.failed (fields: ${fields.join(", ")}${identifier}); the message acknowledged at once, not retried`;
}

/** The outage step's name: it says how long SNS is down. */
export function snsOutageStepName(outageMs: number): string {
  return `SNS down for ${seconds(outageMs)} while a verification completes; published once it is back`;
}

async function snsOutage(demo: Demo): Promise<string> {
  const { stack } = demo;
  const aws = builtInAws(stack);
  const requestId = demo.id("sns-outage");
  demo.say(`  enqueue {"requestId":"${requestId}","dummyStatus":"ACTIVE"}: a session awaiting its review`);
  await stack.enqueue({ requestId, clientId: "demo-client-6", dummyStatus: "ACTIVE" });
  const session = await sessionCreated(demo, requestId);
  const scanRef = String(session.body["scanRef"]);
  const resultBatchesBefore = stack.resultBatches.length;

  const down = Date.now();
  const back = down + demo.snsOutageMs;
  const fault = aws.faults.inject({ service: "sns", operation: "Publish", error: "internal", untilMs: back });
  demo.say(
    `  SNS Publish fails for ${seconds(demo.snsOutageMs)} from now; Mark ID's reviewer approves session ${short(scanRef)}…`,
  );
  try {
    await approveReview(demo, scanRef);
    await until(
      "the simulator's record of the result webhook answered",
      () => webhooksOf(demo, scanRef).some((d) => d.status !== "error"),
      demo.waitMs,
    );
    const answered = webhooksOf(demo, scanRef)[0]!;
    if (answered.status !== 200)
      throw new Error(`the webhook answered ${answered.status} during the SNS outage, not 200`);
    demo.say(
      `  +${since(down, answered.at)}  webhook → 200: the result is on the results queue; SNS back at +${since(down, back)}`,
    );
    await sleep(Math.max(0, back - Date.now()));
  } finally {
    fault.remove();
  }
  demo.say(`  +${since(down, Date.now())}  SNS answers again: the result's next redelivery publishes it`);
  const early = completedOf(demo, scanRef).filter((r) => r.at < back);
  if (early.length > 0) throw new Error("a verification.completed was published while SNS was down");

  const completed = await waitEvent(
    demo,
    "verification.completed",
    (b) => b["scanRef"] === scanRef,
    `verification.completed for scanRef ${scanRef} after SNS came back`,
  );
  // Once: the results queue is empty again and no second event followed.
  await until(
    "the results queue empty",
    () => Object.values(aws.sqs.counts(stack.resources.resultsQueueUrl)).every((n) => n === 0),
    demo.waitMs,
    250,
  );
  const events = completedOf(demo, scanRef).length;
  if (events !== 1) throw new Error(`${events} verification.completed events for one result, expected 1`);
  if (completed.body["final"] !== true || completed.body["overall"] !== "APPROVED")
    throw new Error(
      `verification.completed says final=${String(completed.body["final"])} overall=${String(completed.body["overall"])}, expected final APPROVED`,
    );
  const deliveries = webhooksOf(demo, scanRef).length;
  if (deliveries !== 1) throw new Error(`Mark ID sent the webhook ${deliveries} times, expected once`);
  const givenBack = stack.resultBatches
    .slice(resultBatchesBefore)
    .reduce((n, batch) => n + batch.returned.length, 0);
  return (
    `webhook → 200 at +${since(down, webhooksOf(demo, scanRef)[0]!.at)}, sent once; SNS down until ` +
    `+${since(down, back)}: ${fault.hits()} publishes refused, the result given back ${givenBack} times, ` +
    `nothing published; verification.completed final APPROVED at +${since(down, completed.at)}, once ` +
    `(sequence ${String(completed.body["sequence"])})`
  );
}

async function lostWebhook(demo: Demo): Promise<string> {
  const { stack } = demo;
  const control = stack.simulator.control;
  const recoveredBefore = demo.metrics.total("ResultsRecovered");
  const requestId = demo.id("lost-webhook");
  demo.say(
    `  enqueue {"requestId":"${requestId}","dummyStatus":"APPROVED","expiryTime":1}: the automatic ` +
      "result's webhook (final: false) arrives; a manual review follows",
  );
  await stack.enqueue({ requestId, clientId: "demo-client-7", dummyStatus: "APPROVED", expiryTime: 1 });
  const session = await sessionCreated(demo, requestId);
  const scanRef = String(session.body["scanRef"]);
  const expiresAtMs = Date.parse(String(session.body["expiresAt"]));
  await waitEvent(
    demo,
    "verification.completed",
    (b) => b["scanRef"] === scanRef && b["final"] === false,
    `the automatic result (final: false) for scanRef ${scanRef}`,
  );

  // The reviewer's decision is the final result; its webhook is the one lost.
  control.dropWebhooks(1);
  demo.say(
    `  Mark ID loses its next webhook with every resend; the reviewer approves session ${short(scanRef)}…`,
  );
  try {
    await approveReview(demo, scanRef);
    await until(
      "the simulator's record of the lost webhook",
      () => webhooksOf(demo, scanRef).some((d) => d.status === "dropped"),
      demo.waitMs,
    );
  } finally {
    control.dropWebhooks(0);
  }
  const lost = webhooksOf(demo, scanRef).filter((d) => d.status === "dropped").length;
  if (lost !== 1 || completedOf(demo, scanRef).some((r) => r.body["final"] === true))
    throw new Error("the reviewer's webhook was not lost: a final result arrived without reconciliation");

  // Due once its token has expired (RECONCILE_AFTER_SECONDS=0): the index keeps whole seconds.
  const afterSeconds = Number(stack.functionEnvironment["RECONCILE_AFTER_SECONDS"] ?? 900);
  if (afterSeconds * 1000 > demo.waitMs)
    throw new Error(
      `RECONCILE_AFTER_SECONDS=${afterSeconds} in this shell: the session is due that long after its ` +
        "token expired (the demo's stack sets 0)",
    );
  await sleep(Math.max(0, Math.ceil(expiresAtMs / 1000 + afterSeconds) * 1000 - Date.now()));
  demo.say(
    `  the token has expired and RECONCILE_AFTER_SECONDS=${afterSeconds}: the session is due; the reconciler runs`,
  );
  const statusCallsBefore = statusCalls(demo);
  let runs = 0;
  await until(
    "a reconciliation run that finds the session's final status",
    async () => {
      runs += 1;
      const invocation = await stack.runReconciler();
      const summary = invocation.kind === "returned" ? (invocation.value as { final?: unknown }) : {};
      return typeof summary.final === "number" && summary.final > 0;
    },
    demo.waitMs,
    500,
  );
  const completed = await waitEvent(
    demo,
    "verification.completed",
    (b) => b["scanRef"] === scanRef && b["final"] === true,
    `the final verification.completed for scanRef ${scanRef}`,
  );
  const b = completed.body;
  if (b["source"] !== "reconciliation" || b["final"] !== true || b["overall"] !== "APPROVED")
    throw new Error(
      `verification.completed says source=${String(b["source"])} final=${String(b["final"])} ` +
        `overall=${String(b["overall"])}, expected a final APPROVED from reconciliation`,
    );
  if (b["requestId"] !== requestId) throw new Error("the reconciled result names another requestId");
  await until(
    "the ResultsRecovered metric counted",
    () => demo.metrics.total("ResultsRecovered") > recoveredBefore,
    demo.waitMs,
  ).catch((error: unknown) => {
    throw stack.functionEnvironment["POWERTOOLS_METRICS_DISABLED"] === "true"
      ? new Error("no metric lines: POWERTOOLS_METRICS_DISABLED=true in this shell turns them off")
      : error;
  });
  const recovered = demo.metrics.total("ResultsRecovered") - recoveredBefore;
  if (recovered !== 1) throw new Error(`ResultsRecovered counted ${recovered} for one lost webhook`);
  const asked = statusCalls(demo) - statusCallsBefore;
  return (
    `automatic result by webhook (final: false); the review's webhook lost with its resends; after the ` +
    `token expired → reconciler ` +
    `(${runs} run${runs === 1 ? "" : "s"}) → POST /api/v2/status (${asked} call${asked === 1 ? "" : "s"}) → ` +
    `verification.completed final APPROVED source=reconciliation data=${JSON.stringify(b["data"])}; ` +
    `ResultsRecovered +${recovered} (read from the publisher's EMF metric line)`
  );
}

/** The reviewer's decision on a dummy session (markid-api.md §4.2): its final webhook follows. */
async function approveReview(demo: Demo, scanRef: string): Promise<void> {
  const { apiKey, apiSecret } = demo.keyPair;
  const response = await fetch(`${demo.stack.simulator.url}/api/v2/add-dummy-status`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString("base64")}`,
    },
    body: JSON.stringify({
      scanRef,
      manualFaceMatchResult: "FACE_MATCH",
      manualDocumentValidity: "DOC_VALIDATED",
    }),
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`the manual review was refused: HTTP ${response.status}`);
}

/** Calls to Mark ID's status endpoint it answered (the credential check's probe gets a 400). */
function statusCalls(demo: Demo): number {
  return demo.stack.simulator.control
    .requests()
    .filter((r) => r.path === "/api/v2/status" && r.status === 200).length;
}

function builtInAws(stack: LocalStack): LocalAws {
  if (stack.aws === undefined)
    throw new Error("this step takes SNS down in the built-in local AWS; it cannot against another endpoint");
  return stack.aws;
}

function webhooksOf(demo: Demo, scanRef: string) {
  return demo.stack.simulator.control.webhooks().filter((d) => d.body.includes(scanRef));
}

function completedOf(demo: Demo, scanRef: string): PublishedRecord[] {
  return demo.stack.published.list(
    (r) => r.topic === "events" && r.type === "verification.completed" && r.body["scanRef"] === scanRef,
  );
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** Time from `start` to `at`, e.g. `31.4 s`. */
function since(start: number, at: number): string {
  return `${((at - start) / 1000).toFixed(1)} s`;
}
