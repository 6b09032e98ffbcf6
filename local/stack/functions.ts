/**
 * The functions as serverless.yml declares them, for the local runner: names, timeouts, the SQS
 * event sources' and queues' settings, the schedules and the resource names.
 * test/local-stack/functions.test.ts (and settings.test.ts) fail when serverless.yml changes one of
 * these values and this file does not follow.
 */
export const SERVICE = "markid-serverless";

export const FUNCTIONS = {
  startVerification: { name: "startVerification", timeoutSeconds: 30, memoryMb: 256 },
  verificationWebhook: { name: "verificationWebhook", timeoutSeconds: 10, memoryMb: 256 },
  checkCredentials: { name: "checkCredentials", timeoutSeconds: 30, memoryMb: 256 },
  publishVerificationResult: { name: "publishVerificationResult", timeoutSeconds: 30, memoryMb: 256 },
  erasePerson: { name: "erasePerson", timeoutSeconds: 30, memoryMb: 256 },
  reconcileSessions: { name: "reconcileSessions", timeoutSeconds: 420, memoryMb: 256 },
} as const;

export type FunctionKey = keyof typeof FUNCTIONS;

export interface FunctionDefinition {
  readonly name: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

/** The startVerification SQS event source mapping. */
export const REQUEST_QUEUE_SOURCE = {
  batchSize: 10,
  maximumBatchingWindowSeconds: 1,
  /** serverless.yml's `maxConcurrency` param (default stage). */
  maximumConcurrency: 2,
} as const;

/** The request queue in serverless.yml (the local stack shortens the visibility timeout). */
export const REQUEST_QUEUE = {
  visibilityTimeoutSeconds: 190,
  /** serverless.yml's `maxReceiveCount` param (default stage). */
  maxReceiveCount: 5,
} as const;

/** The publishVerificationResult SQS event source mapping (no concurrency cap: it calls no Mark ID). */
export const RESULTS_QUEUE_SOURCE = {
  batchSize: 10,
  maximumBatchingWindowSeconds: 1,
} as const;

/** The results queue in serverless.yml. */
export const RESULTS_QUEUE = {
  visibilityTimeoutSeconds: 190,
  /** serverless.yml's `resultsMaxReceiveCount` param (default stage). */
  maxReceiveCount: 100,
  /** The queue's and its DLQ's retention: 14 days. */
  messageRetentionSeconds: 14 * 24 * 3600,
} as const;

/** The erasePerson SQS event source mapping: one person at a time. */
export const ERASURES_QUEUE_SOURCE = { batchSize: 1 } as const;

/** The erasures queue in serverless.yml: an hour between deliveries, 72 of them (three days). */
export const ERASURES_QUEUE = { visibilityTimeoutSeconds: 3600, maxReceiveCount: 72 } as const;

/** serverless.yml's `credentialCheckSchedule` param: rate(15 minutes). */
export const CREDENTIAL_CHECK_RATE_SECONDS = 15 * 60;

/** serverless.yml's `reconcileSchedule` param: rate(15 minutes). */
export const RECONCILE_RATE_SECONDS = 15 * 60;

/** Resource names as serverless.yml builds them for a stage; the `local` stage's params default to these. */
export function resourceNames(stage: string) {
  return {
    requestQueueName: `${SERVICE}-${stage}-requests`,
    deadLetterQueueName: `${SERVICE}-${stage}-requests-dlq`,
    resultsQueueName: `${SERVICE}-${stage}-results`,
    resultsDeadLetterQueueName: `${SERVICE}-${stage}-results-dlq`,
    erasuresQueueName: `${SERVICE}-${stage}-erasures`,
    erasuresDeadLetterQueueName: `${SERVICE}-${stage}-erasures-dlq`,
    eventsTopicName: `${SERVICE}-${stage}-events`,
    alertsTopicName: `${SERVICE}-${stage}-alerts`,
    tableName: `${SERVICE}-${stage}-state`,
    secretName: `markid/${stage}/api`,
  } as const;
}

export type ResourceNames = ReturnType<typeof resourceNames>;
