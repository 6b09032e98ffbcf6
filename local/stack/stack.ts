import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  localAwsClientConfig,
  provisionLocalResources,
  startLocalAws,
  type LocalAws,
  type MarkIdSecretValue,
  type ProvisionedResources,
} from "../aws/index";
import { startSimulator, type Simulator } from "../simulator/index";
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from "../simulator/options";
import {
  describeBatch,
  describeHttp,
  describePublished,
  describeScheduleRun,
  timestamped,
} from "./console-lines";
import { checkLocalEndpoint } from "./endpoint-guard";
import {
  functionEnvironmentProblems,
  handlerEnvironment,
  InvalidEnvironmentError,
} from "./function-environment";
import {
  ERASURES_QUEUE_SOURCE,
  FUNCTIONS,
  RESULTS_QUEUE,
  RESULTS_QUEUE_SOURCE,
  ERASURES_QUEUE,
  resourceNames,
  SERVICE,
} from "./functions";
import { loadHandlers } from "./handlers";
import { startHttpApiServer, type HttpApiServer } from "./http-api-server";
import type { Invocation } from "./lambda-context";
import { PublishedFeed } from "./published-feed";
import { startSchedule, type Schedule } from "./schedule";
import { DEFAULT_SETTINGS, type LocalStackSettings } from "./settings";
import { startSnsTap, type SnsTap } from "./sns-tap";
import { startSqsPoller, type BatchReport, type SqsPollerOptions } from "./sqs-poller";

/**
 * The webhook signing key of the local stack: the documented local-only value the sample events
 * in events/ are signed with, so `serverless invoke local` with them is accepted by this stack too.
 */
export const LOCAL_WEBHOOK_SIGNING_KEY = "markid-local-webhook-signing-key";
export const WEBHOOK_PATH = "/markid/webhook";
const LOCAL_RESULTS_POLLERS = 2;
const HOST = "127.0.0.1";

export interface LocalStack {
  readonly settings: LocalStackSettings;
  readonly simulator: Simulator;
  /** The built-in AWS gateway; undefined when the stack runs against another endpoint (LocalStack). */
  readonly aws: LocalAws | undefined;
  readonly awsEndpoint: string;
  readonly resources: ProvisionedResources;
  /** The secret's value at start (the simulator's key pair and signing key). */
  readonly secretValue: MarkIdSecretValue;
  readonly webhookUrl: string;
  /** What the handlers were given in process.env. */
  readonly functionEnvironment: Readonly<Record<string, string>>;
  readonly published: PublishedFeed;
  /** Every startVerification batch so far, oldest first. */
  readonly batches: readonly BatchReport[];
  /** Every publishVerificationResult batch so far, oldest first. */
  readonly resultBatches: readonly BatchReport[];
  /** SQS client for the stack's endpoint. */
  readonly sqs: SQSClient;
  /** Sends a verification request to the request queue; returns its MessageId. */
  enqueue(body: unknown): Promise<string>;
  /** Runs the credential check now, besides its timer. */
  runCredentialCheck(): Promise<Invocation<unknown>>;
  /** Runs the reconciler now, besides its timer. */
  runReconciler(): Promise<Invocation<unknown>>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Where the stack's one-line reports go (batches, webhooks, timer, published messages). Default: nowhere. */
  readonly log?: (line: string) => void;
}

/**
 * Starts everything `npm start` runs: the Mark ID simulator, local AWS (or an existing endpoint),
 * the provisioned resources, and the five functions behind their event sources — the SQS pollers
 * of the request and results queues, the HTTP API for the webhook, the credential-check and
 * reconciliation timers. The handlers are imported only after
 * process.env describes this stack, because they read their configuration once per container.
 * One stack per process (see loadHandlers).
 */
export async function startLocalStack(
  partial: Partial<LocalStackSettings> = {},
  options: StartOptions = {},
): Promise<LocalStack> {
  const settings: LocalStackSettings = { ...DEFAULT_SETTINGS, ...partial };
  const log = options.log ?? (() => undefined);
  const say = (line: string) => log(timestamped(line));
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };

  try {
    if (settings.awsEndpoint !== undefined) checkLocalEndpoint(settings.awsEndpoint);
    const secretValue: MarkIdSecretValue = {
      apiKey: DEFAULT_API_KEY,
      apiSecret: DEFAULT_API_SECRET,
      webhookSigningKey: LOCAL_WEBHOOK_SIGNING_KEY,
    };
    const simulator = await startSimulator({
      host: HOST,
      port: settings.simulatorPort,
      apiKey: secretValue.apiKey,
      apiSecret: secretValue.apiSecret,
      webhookSigningKey: secretValue.webhookSigningKey,
      tokenBalance: settings.tokenBalance,
      webhookRetryIntervalMs: settings.webhookRetryIntervalMs,
    });
    closers.push(() => simulator.close());

    let aws: LocalAws | undefined;
    if (settings.awsEndpoint === undefined) {
      const started = await startLocalAws({ host: HOST, port: settings.awsPort, region: settings.region });
      aws = started;
      closers.push(() => started.close());
    }
    const awsEndpoint = settings.awsEndpoint ?? aws?.url ?? "";

    const names = resourceNames(settings.stage);
    const resources = await provisionLocalResources({
      endpoint: awsEndpoint,
      region: settings.region,
      ...names,
      secretValue,
      maxReceiveCount: settings.maxReceiveCount,
      visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
      resultsVisibilityTimeoutSeconds: settings.resultsVisibilityTimeoutSeconds,
      erasuresVisibilityTimeoutSeconds: settings.erasuresVisibilityTimeoutSeconds,
      erasuresMaxReceiveCount: ERASURES_QUEUE.maxReceiveCount,
      resultsMaxReceiveCount: RESULTS_QUEUE.maxReceiveCount,
    });

    const functionEnvironment = handlerEnvironment(settings, awsEndpoint, simulator.url, resources);
    const problems = functionEnvironmentProblems(functionEnvironment);
    if (problems.length > 0) throw new InvalidEnvironmentError(problems);
    Object.assign(process.env, functionEnvironment);
    const handlers = await loadHandlers(functionEnvironment);

    const published = new PublishedFeed({
      events: resources.eventsTopicArn,
      alerts: resources.alertsTopicArn,
    });
    const stopPrinting = published.subscribe((record) => say(describePublished(record)));
    closers.push(() => Promise.resolve(stopPrinting()));

    const clientConfig = localAwsClientConfig(awsEndpoint, settings.region);
    const sqs = new SQSClient(clientConfig);
    closers.push(() => Promise.resolve(sqs.destroy()));

    if (aws !== undefined) {
      const stopHook = aws.sns.onPublish((message) => {
        const attributes = Object.fromEntries(
          Object.entries(message.messageAttributes).map(([name, value]) => [name, value.stringValue]),
        );
        published.add(message.topicArn, message.message, attributes);
      });
      closers.push(() => Promise.resolve(stopHook()));
    } else {
      const tap: SnsTap = await startSnsTap({
        clientConfig,
        sqs,
        queueName: `${SERVICE}-${settings.stage}-console-tap`,
        topicArns: [resources.eventsTopicArn, resources.alertsTopicArn],
        feed: published,
        onError: (problem) => say(`tap    ${problem}`),
      });
      closers.push(() => tap.stop());
    }

    const http: HttpApiServer = await startHttpApiServer({
      host: HOST,
      port: settings.webhookPort,
      region: settings.region,
      stage: settings.stage,
      routes: [
        {
          method: "POST",
          path: WEBHOOK_PATH,
          fn: FUNCTIONS.verificationWebhook,
          handler: handlers.verificationWebhook,
        },
      ],
      onRequest: (report) => say(describeHttp(report)),
    });
    closers.push(() => http.close());
    const webhookUrl = `${http.url}${WEBHOOK_PATH}`;
    simulator.control.setWebhookUrl(webhookUrl);

    // Each event source mapping of serverless.yml: one poller on the stack's SQS endpoint, stopped with it.
    const poll = (
      source: Omit<SqsPollerOptions, "client" | "region" | "stage" | "receiveWaitSeconds" | "onError">,
    ): void => {
      const poller = startSqsPoller({
        client: sqs,
        region: settings.region,
        stage: settings.stage,
        receiveWaitSeconds: settings.receiveWaitSeconds,
        onError: (problem) => say(`sqs    ${problem}`),
        ...source,
      });
      closers.push(() => poller.stop());
    };
    // Only a batch that needs a look: a clean one shows as the events it published.
    const sayUnlessClean = (
      report: BatchReport,
      visibilitySeconds: number,
      maxReceiveCount: number,
      fn: string,
    ) => {
      if (report.outcome !== "returned" || report.returned.length > 0)
        say(describeBatch(report, visibilitySeconds, maxReceiveCount, fn));
    };

    const batches: BatchReport[] = [];
    poll({
      queueUrl: resources.requestQueueUrl,
      queueArn: resources.requestQueueArn,
      fn: FUNCTIONS.startVerification,
      handler: handlers.startVerification,
      batchSize: settings.batchSize,
      batchingWindowMs: settings.batchingWindowMs,
      maxConcurrency: settings.maxConcurrency,
      onBatch: (report) => {
        batches.push(report);
        say(describeBatch(report, settings.visibilityTimeoutSeconds, settings.maxReceiveCount));
      },
    });

    const resultBatches: BatchReport[] = [];
    poll({
      queueUrl: resources.resultsQueueUrl,
      queueArn: resources.resultsQueueArn,
      fn: FUNCTIONS.publishVerificationResult,
      handler: handlers.publishVerificationResult,
      batchSize: RESULTS_QUEUE_SOURCE.batchSize,
      batchingWindowMs: settings.resultsBatchingWindowMs,
      // serverless.yml caps nothing here (the publisher calls no Mark ID); two pollers keep up locally.
      maxConcurrency: LOCAL_RESULTS_POLLERS,
      onBatch: (report) => {
        resultBatches.push(report);
        sayUnlessClean(
          report,
          settings.resultsVisibilityTimeoutSeconds,
          RESULTS_QUEUE.maxReceiveCount,
          FUNCTIONS.publishVerificationResult.name,
        );
      },
    });

    const { erasuresQueueUrl, erasuresQueueArn } = resources;
    if (erasuresQueueUrl !== undefined && erasuresQueueArn !== undefined) {
      poll({
        queueUrl: erasuresQueueUrl,
        queueArn: erasuresQueueArn,
        fn: FUNCTIONS.erasePerson,
        handler: handlers.erasePerson,
        batchSize: ERASURES_QUEUE_SOURCE.batchSize,
        batchingWindowMs: 0,
        maxConcurrency: 1,
        onBatch: (report) =>
          sayUnlessClean(
            report,
            settings.erasuresVisibilityTimeoutSeconds,
            ERASURES_QUEUE.maxReceiveCount,
            FUNCTIONS.erasePerson.name,
          ),
      });
    }

    const schedule: Schedule = startSchedule({
      fn: FUNCTIONS.checkCredentials,
      handler: handlers.checkCredentials,
      intervalMs: settings.credentialCheckIntervalSeconds * 1000,
      region: settings.region,
      stage: settings.stage,
      ruleName: `${SERVICE}-${settings.stage}-check-credentials`,
      onRun: (invocation) => say(describeScheduleRun(invocation)),
    });
    closers.push(() => schedule.stop());

    const reconcileSchedule: Schedule = startSchedule({
      fn: FUNCTIONS.reconcileSessions,
      handler: handlers.reconcileSessions,
      intervalMs: settings.reconcileIntervalSeconds * 1000,
      region: settings.region,
      stage: settings.stage,
      ruleName: `${SERVICE}-${settings.stage}-reconcile-sessions`,
      onRun: (invocation) => say(describeScheduleRun(invocation, FUNCTIONS.reconcileSessions.name)),
    });
    closers.push(() => reconcileSchedule.stop());

    return {
      settings,
      simulator,
      aws,
      awsEndpoint,
      resources,
      secretValue,
      webhookUrl,
      functionEnvironment,
      published,
      batches,
      resultBatches,
      sqs,
      async enqueue(body) {
        const sent = await sqs.send(
          new SendMessageCommand({
            QueueUrl: resources.requestQueueUrl,
            MessageBody: typeof body === "string" ? body : JSON.stringify(body),
          }),
        );
        return sent.MessageId ?? "";
      },
      runCredentialCheck: () => schedule.runNow(),
      runReconciler: () => reconcileSchedule.runNow(),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
