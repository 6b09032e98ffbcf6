import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { LocalAws } from "../aws/index";
import { signBody } from "../simulator/index";
import { startLocalStack, type LocalStack } from "../stack/stack";
import { captureOutput, countProcessErrors } from "./capture";
import { plannedDisruptions } from "./disruptions";
import { chooseErasureTargets, startErasureSender, type ErasureSender } from "./erasures";
import { chaosFaultMix } from "./fault-mix";
import { feed, sendOrder } from "./feeder";
import { computeFigures, type ChaosFigures, type Disruption, type SentMessage } from "./ledger";
import { personalValues, scanForLeaks, type LeakReport } from "./leaks";
import { injectFaultShares } from "./markid-faults";
import { DEFAULT_CHAOS_OPTIONS, type ChaosOptions } from "./options";
import { makeRequests, seededRandom, type ChaosRequest } from "./requests";

/*
 * A chaos run over the local stack (local/stack): the real start-verification handler behind the
 * SQS poller, the real webhook handler behind the HTTP API adapter, the simulator's dummy results
 * driving the webhooks, and faults everywhere (see README of docs/reliability.md). Returns the
 * figures; `npm run chaos` prints them and test/reliability/chaos.test.ts asserts the invariants.
 */

export interface ChaosReport {
  readonly options: ChaosOptions;
  readonly startedAt: string;
  readonly wallMs: number;
  /** Wall time from the first message sent until the request queue was empty. */
  readonly trafficMs: number;
  readonly finished: boolean;
  /** Reconciler runs at the end, and whether the last one found nothing due. */
  readonly reconciliation: { readonly runs: number; readonly finished: boolean };
  readonly injectedFaultShare: number;
  readonly figures: ChaosFigures;
  readonly disruptions: readonly Disruption[];
  readonly leaks: LeakReport;
  readonly processErrors: {
    readonly uncaughtExceptions: number;
    readonly unhandledRejections: number;
    readonly names: readonly string[];
  };
  readonly logLines: number;
}

const TOKEN_PATH = "/api/v2/token";
const STATUS_PATH = "/api/v2/status";
const POLL_MS = 100;

export async function runChaos(
  partial: Partial<ChaosOptions> = {},
  progress: (line: string) => void = () => undefined,
): Promise<ChaosReport> {
  const options: ChaosOptions = { ...DEFAULT_CHAOS_OPTIONS, ...partial };
  const random = seededRandom(options.seed);
  const runId = randomBytes(3).toString("hex");
  const requests = makeRequests(options.requests, runId, random, options.tokenExpirySeconds);
  const order = sendOrder(requests, options.duplicateShare, random);

  const errors = countProcessErrors();
  const output = captureOutput();
  const runnerLines: string[] = [];
  const started = Date.now();
  let stack: LocalStack | undefined;
  try {
    stack = await startLocalStack(
      {
        simulatorPort: 0,
        awsPort: 0,
        webhookPort: 0,
        stage: `chaos${runId}`,
        visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
        maxReceiveCount: options.maxReceiveCount,
        resultsVisibilityTimeoutSeconds: 2,
        // A pending erasure (its token had not expired) comes back within the run.
        erasuresVisibilityTimeoutSeconds: 5,
        // The check runs once at start, then rarely: the run is about the request path.
        credentialCheckIntervalSeconds: 3600,
        // The reconciler runs at the end (reconcileUntilNoneDue), once the reviewer has decided:
        // asked during the run, a session whose automatic-result webhook was lost would look
        // decided by its automatic result (markid-api.md §6.3) and end with two final statuses.
        reconcileIntervalSeconds: 3600,
        batchSize: 10,
        batchingWindowMs: 0,
        maxConcurrency: options.pollers,
        receiveWaitSeconds: 1,
        tokenBalance: options.requests * 3,
        webhookRetryIntervalMs: options.webhookRetryIntervalMs,
        functionEnvironment: functionEnvironment(options),
      },
      { log: (line) => runnerLines.push(line) },
    );
    const aws = stack.aws;
    if (aws === undefined)
      throw new Error("the chaos run needs the built-in local AWS, not an external endpoint");
    return await drive(stack, aws, options, requests, order, runnerLines, started, errors, output, progress);
  } finally {
    await stack?.close();
    output.stop();
    errors.stop();
  }
}

/** The handlers' settings: the deployed defaults, except what makes a run take minutes, not hours. */
function functionEnvironment(options: ChaosOptions): Record<string, string> {
  return {
    // INFO: the record and webhook lines are what the leak scan reads and the figures count.
    POWERTOOLS_LOG_LEVEL: "INFO",
    MARKID_TIMEOUT_MS: String(options.markIdTimeoutMs),
    MARKID_TOKEN_UNKNOWN_OUTCOME: options.unknownOutcome,
    RETRY_MAX_ATTEMPTS: "3",
    RETRY_BASE_DELAY_MS: "10",
    RETRY_RATE_LIMITED_BASE_DELAY_MS: "50",
    RETRY_MAX_DELAY_MS: "200",
    // The simulator has no rate limit; the client-side limiter must not be the bottleneck.
    MARKID_RATE_LIMIT_PER_HOUR: "100000000",
    BATCH_CONCURRENCY: String(options.batchConcurrency),
    // Short, so the Secrets Manager outage is felt by calls that need the secret during it.
    CREDENTIALS_CACHE_TTL_SECONDS: "1",
    // A session is asked about as soon as its (short) token expired, and one run may ask about
    // every session left open.
    RECONCILE_AFTER_SECONDS: "0",
    RECONCILE_MAX_PER_RUN: String(options.requests),
  };
}

async function drive(
  stack: LocalStack,
  aws: LocalAws,
  options: ChaosOptions,
  requests: readonly ChaosRequest[],
  order: ReturnType<typeof sendOrder>,
  runnerLines: string[],
  started: number,
  errors: ReturnType<typeof countProcessErrors>,
  output: ReturnType<typeof captureOutput>,
  progress: (line: string) => void,
): Promise<ChaosReport> {
  const { control } = stack.simulator;
  const { requestQueueUrl, deadLetterQueueUrl } = stack.resources;
  const keyPairs: [string, string][] = [[stack.secretValue.apiKey, stack.secretValue.apiSecret]];
  const injectedFaultShare = injectFaultShares(control, chaosFaultMix(options.faultShare), {
    path: TOKEN_PATH,
    timeoutMs: options.markIdTimeoutMs,
  });

  const { erasuresQueueUrl, erasuresDeadLetterQueueUrl } = stack.resources;
  if (erasuresQueueUrl === undefined || erasuresDeadLetterQueueUrl === undefined)
    throw new Error("the chaos run needs the erasures queue");
  const erasures = startErasureSender({
    sqs: stack.sqs,
    queueUrl: erasuresQueueUrl,
    targets: chooseErasureTargets(requests, options.erasureShare, seededRandom(options.seed + 2)),
    maxDelayMs: options.tokenExpirySeconds * 1500,
    random: seededRandom(options.seed + 3),
  });

  // Progress: a requestId is settled once a session or failure event names it, or it is dead-lettered.
  const settled = new Set<string>();
  const sent: SentMessage[] = [];
  const requestOfMessage = new Map<string, string>();
  const stopFollowing = stack.published.subscribe((record) => {
    if (record.topic !== "events") return;
    const body = record.body;
    const requestId =
      typeof body["requestId"] === "string"
        ? body["requestId"]
        : requestOfMessage.get(typeof body["messageId"] === "string" ? body["messageId"] : "");
    if (requestId !== undefined && record.type !== "verification.completed") settled.add(requestId);
    if (requestId !== undefined && record.type === "verification.session-created")
      erasures.onSessionCreated(requestId, typeof body["scanRef"] === "string" ? body["scanRef"] : "");
  });
  const deadLettered = () => aws.sqs.counts(deadLetterQueueUrl);
  const progressShare = () =>
    (settled.size + deadLettered().visible + deadLettered().delayed) / Math.max(1, requests.length);

  const stop = new AbortController();
  const deadline = started + options.maxWallMs;
  const trafficStarted = Date.now();
  const feeding = feed(order, {
    sqs: stack.sqs,
    inspector: aws.sqs,
    queueUrl: requestQueueUrl,
    backlog: options.backlog,
    stop: stop.signal,
    sent,
  });
  // The message → requestId map for failure events of bodies that are not JSON.
  const mapping = setInterval(() => {
    for (let i = requestOfMessage.size; i < sent.length; i++) {
      const message = sent[i];
      if (message !== undefined) requestOfMessage.set(message.messageId, message.requestId);
    }
  }, POLL_MS);

  const disruptions: Disruption[] = [];
  const disrupting = (async () => {
    const planned = plannedDisruptions(stack, aws, {
      outageMs: options.outageMs,
      droppedWebhooks: options.droppedWebhooks,
      exhaustionHoldMs: options.exhaustionHoldMs,
      onKeyPair: (apiKey, apiSecret) => keyPairs.push([apiKey, apiSecret]),
    });
    for (const disruption of planned) {
      while (progressShare() < disruption.at && !stop.signal.aborted) await sleep(POLL_MS);
      if (stop.signal.aborted) return;
      progress(`  ${elapsed(started)}  ${disruption.name} at ${Math.round(progressShare() * 100)} %`);
      disruptions.push(await disruption.run());
    }
  })();

  const reporter = setInterval(() => {
    const queue = aws.sqs.counts(requestQueueUrl);
    progress(
      `  ${elapsed(started)}  sent ${sent.length}/${order.length}  settled ${settled.size}/${requests.length}` +
        `  queue ${queue.visible}+${queue["in-flight"]} in flight  DLQ ${deadLettered().visible}`,
    );
  }, 5000);

  let finished = false;
  try {
    await feeding;
    await disrupting;
    finished = await untilQuiet(aws, requestQueueUrl, deadline);
  } finally {
    stop.abort();
    clearInterval(reporter);
    clearInterval(mapping);
  }
  const trafficMs = Date.now() - trafficStarted;
  await control.flushWebhooks();
  const manualResends = await resendSomeWebhooks(
    stack,
    options.webhookResendShare,
    seededRandom(options.seed + 1),
  );
  await control.flushWebhooks();
  const reconciliation = await reconcileUntilNoneDue(stack, aws, options, deadline, progress, started);
  const erasuresFinished = await finishErasures(stack, aws, erasures, deadline);
  const resentAfterErasure = await resendErasedRequests(stack, aws, requests, erasures.sent, sent, deadline);
  progress(
    `  ${elapsed(started)}  ${erasures.sent.length} erasure requests sent, queue drained: ${erasuresFinished}; ` +
      `${resentAfterErasure} of their requests sent again`,
  );
  stopFollowing();
  erasures.stop();

  // Everything the figures and the leak scan need, read before the stack closes.
  const published = aws.sns.published();
  const deadLetters = aws.sqs.messages(deadLetterQueueUrl);
  const leftInQueue = aws.sqs.messages(requestQueueUrl);
  const tokenCalls = control.requests().filter((r) => r.method === "POST" && r.path === TOKEN_PATH);
  const statusCalls = control.requests().filter((r) => r.method === "POST" && r.path === STATUS_PATH);
  const webhooks = control.webhooks();
  const tableItems = await scanTable(stack);
  const markIdStatuses = new Map(
    erasures.sent.map((erasure) => [erasure.scanRef, verificationStatus(stack, erasure.scanRef)]),
  );
  const logText = output.text();
  const logLines = logText.split("\n").filter((line) => line.trim() !== "");
  const figures = computeFigures({
    requests,
    sent,
    published,
    eventsTopicArn: stack.resources.eventsTopicArn,
    alertsTopicArn: stack.resources.alertsTopicArn,
    deadLetters,
    leftInQueue,
    batches: stack.batches,
    tokenCalls,
    statusCalls,
    webhooks,
    manualResends,
    logLines: logLines.flatMap((line) => parseJsonLine(line)),
    disruptions,
    erasures: {
      sent: erasures.sent,
      requestsResent: resentAfterErasure,
      deadLettered: aws.sqs.messages(erasuresDeadLetterQueueUrl).length,
      tableItems,
      markIdStatuses,
    },
    alertWindowSeconds: Number(stack.functionEnvironment["ALERT_WINDOW_SECONDS"] ?? 3600),
    outageToleranceMs: 3000,
  });
  const leaks = scanForLeaks(leakValues(stack, requests, published, keyPairs), logLines, published, [
    { place: "runner line", lines: runnerLines },
  ]);
  return {
    options,
    startedAt: new Date(started).toISOString(),
    wallMs: Date.now() - started,
    trafficMs,
    finished,
    reconciliation,
    injectedFaultShare,
    figures,
    disruptions,
    leaks,
    processErrors: {
      uncaughtExceptions: errors.uncaughtExceptions(),
      unhandledRejections: errors.unhandledRejections(),
      names: errors.names(),
    },
    logLines: logLines.length,
  };
}

/**
 * The end of a run (design.md §4.4): once every token has expired, the reconciler runs until no
 * session is due, and the results it queues (and the simulator's EXPIRED webhooks its status calls
 * set off) are published. Then every session must have ended in exactly one final event.
 */
async function reconcileUntilNoneDue(
  stack: LocalStack,
  aws: LocalAws,
  options: ChaosOptions,
  deadline: number,
  progress: (line: string) => void,
  started: number,
): Promise<{ readonly runs: number; readonly finished: boolean }> {
  await sleep(options.tokenExpirySeconds * 1000 + 1000);
  // A reviewer decides every dummy verification's manual review (its final webhook follows).
  const reviewed = stack.simulator.control.reviewPending("FACE_MATCH", "DOC_VALIDATED");
  await stack.simulator.control.flushWebhooks();
  await untilQuiet(aws, stack.resources.resultsQueueUrl, deadline);
  progress(`  ${elapsed(started)}  ${reviewed} manual reviews decided`);
  for (let runs = 1; runs <= MAX_RECONCILE_RUNS && Date.now() < deadline; runs++) {
    const run = await stack.runReconciler();
    await stack.simulator.control.flushWebhooks();
    await untilQuiet(aws, stack.resources.resultsQueueUrl, deadline);
    const summary = run.kind === "returned" ? (run.value as { readonly due?: unknown }) : {};
    progress(`  ${elapsed(started)}  reconciliation run ${runs}: ${JSON.stringify(summary)}`);
    if (summary.due === 0) return { runs, finished: true };
  }
  return { runs: MAX_RECONCILE_RUNS, finished: false };
}

/**
 * Every erasure request sent and worked off (a pending one comes back every few seconds until its
 * session's token has expired), and the results that were on their way meanwhile published or
 * dropped. False when the deadline came first.
 */
async function finishErasures(
  stack: LocalStack,
  aws: LocalAws,
  erasures: ErasureSender,
  deadline: number,
): Promise<boolean> {
  await erasures.drained();
  const erasuresQuiet = await untilQuiet(aws, stack.resources.erasuresQueueUrl ?? "", deadline);
  await stack.simulator.control.flushWebhooks();
  const resultsQuiet = await untilQuiet(aws, stack.resources.resultsQueueUrl, deadline);
  return erasuresQuiet && resultsQuiet;
}

/**
 * Each erased person's request sent once more, as an old message redelivered after the erasure
 * would be: it must be refused (verification.failed erased), never make a token or store them again.
 */
async function resendErasedRequests(
  stack: LocalStack,
  aws: LocalAws,
  requests: readonly ChaosRequest[],
  erased: readonly { readonly requestId: string }[],
  sent: SentMessage[],
  deadline: number,
): Promise<number> {
  const erasedIds = new Set(erased.map((erasure) => erasure.requestId));
  const again = requests
    .filter((request) => erasedIds.has(request.requestId))
    .map((request) => ({ request, duplicate: true }));
  await feed(again, {
    sqs: stack.sqs,
    inspector: aws.sqs,
    queueUrl: stack.resources.requestQueueUrl,
    backlog: Number.MAX_SAFE_INTEGER,
    stop: new AbortController().signal,
    sent,
  });
  await untilQuiet(aws, stack.resources.requestQueueUrl, deadline);
  return again.length;
}

/** The whole state table as the run left it, for what erasures must have removed. */
async function scanTable(stack: LocalStack): Promise<Record<string, unknown>[]> {
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.awsEndpoint,
      region: stack.settings.region,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    }),
  );
  const items: Record<string, unknown>[] = [];
  try {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new ScanCommand({ TableName: stack.resources.tableName, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  } finally {
    doc.destroy();
  }
  return items;
}

function verificationStatus(stack: LocalStack, scanRef: string): string {
  const verification = stack.simulator.control.verification(scanRef) as
    { readonly status?: unknown } | undefined;
  return typeof verification?.status === "string" ? verification.status : "unknown";
}

/** Runs of the reconciler at the end of a chaos run before it counts as unfinished. */
const MAX_RECONCILE_RUNS = 5;

/** True once the queue stays empty (nothing visible, in flight or delayed) twice in a row. */
async function untilQuiet(aws: LocalAws, queueUrl: string, deadline: number): Promise<boolean> {
  let quietChecks = 0;
  while (Date.now() < deadline) {
    const counts = aws.sqs.counts(queueUrl);
    quietChecks = counts.visible + counts["in-flight"] + counts.delayed === 0 ? quietChecks + 1 : 0;
    if (quietChecks >= 2) return true;
    await sleep(250);
  }
  return false;
}

/**
 * Resends a share of the accepted result webhooks, signed as Mark ID signs them, the way duplicates
 * really arrive: two copies of each at the same moment, and the chosen ones newest first (out of
 * order: a session's final result before its automatic one). Each copy is queued (200) and none
 * may be published a second time.
 */
async function resendSomeWebhooks(
  stack: LocalStack,
  share: number,
  random: () => number,
): Promise<{ status: number; body: string }[]> {
  const accepted = stack.simulator.control.webhooks().filter((delivery) => delivery.status === 200);
  const chosen = accepted.filter(() => random() < share).reverse();
  const header = stack.functionEnvironment["MARKID_SIGNATURE_HEADER"] ?? "Idenfy-Signature";
  const post = async (body: Buffer) => {
    const response = await fetch(stack.webhookUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [header]: signBody(body, stack.secretValue.webhookSigningKey),
      },
      body,
    });
    return { status: response.status, body: await response.text() };
  };
  const replies: { status: number; body: string }[] = [];
  for (const delivery of chosen) {
    const body = Buffer.from(delivery.body);
    replies.push(...(await Promise.all([post(body), post(body)])));
  }
  return replies;
}

function leakValues(
  stack: LocalStack,
  requests: readonly ChaosRequest[],
  published: ReturnType<LocalAws["sns"]["published"]>,
  keyPairs: readonly (readonly [string, string])[],
) {
  // Each key and secret, and the Basic authorization header they make together.
  const secrets = [
    stack.secretValue.webhookSigningKey,
    ...keyPairs.flatMap(([key, secret]) => [key, secret, Buffer.from(`${key}:${secret}`).toString("base64")]),
  ];

  const authTokens: string[] = [];
  const scanRefs = new Set<string>();
  for (const message of published) {
    const body = parseJsonLine(message.message)[0];
    if (body === undefined) continue;
    if (typeof body["authToken"] === "string") authTokens.push(body["authToken"]);
    if (typeof body["scanRef"] === "string") scanRefs.add(body["scanRef"]);
  }
  // What the requests carried...
  const personal: string[] = [];
  for (const request of requests) {
    const body = parseJsonLine(request.body)[0];
    if (body !== undefined) personal.push(...personalValues(body));
    if (typeof body?.["clientId"] === "string") personal.push(body["clientId"]);
  }
  // ...and what the simulator put into each verification's result (its own fake data included).
  for (const scanRef of scanRefs) {
    const verification = stack.simulator.control.verification(scanRef) as
      { readonly data?: unknown; readonly token?: unknown } | undefined;
    personal.push(...personalValues(verification?.data), ...personalValues(verification?.token));
  }
  return { secrets, authTokens, personalData: [...new Set(personal)] };
}

function parseJsonLine(line: string): Record<string, unknown>[] {
  if (!line.startsWith("{")) return [];
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? [value as Record<string, unknown>]
      : [];
  } catch {
    return [];
  }
}

function elapsed(started: number): string {
  const seconds = Math.round((Date.now() - started) / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
