import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  FUNCTIONS,
  RECONCILE_RATE_SECONDS,
  REQUEST_QUEUE,
  RESULTS_QUEUE,
  RESULTS_QUEUE_SOURCE,
  ERASURES_QUEUE,
  resourceNames,
  SERVICE,
} from "../../local/stack/functions";

/*
 * local/stack/functions.ts restates what serverless.yml declares, for the local runner and the
 * commands of local/: these read serverless.yml's text and fail when the two part. (The request
 * queue's event source and the credential check's schedule are checked in settings.test.ts.)
 */

const yml = readFileSync(new URL("../../serverless.yml", import.meta.url), "utf8");

/** The text of the block that starts at `\n<indent><key>:\n`, up to the next line indented as much or less. */
function block(key: string, indent: number): string {
  const head = `\n${" ".repeat(indent)}${key}:\n`;
  const start = yml.indexOf(head);
  expect(start, key).toBeGreaterThan(-1);
  const rest = yml.slice(start + head.length);
  const end = rest.search(new RegExp(`\\n {0,${indent}}\\S`));
  return head + (end === -1 ? rest : rest.slice(0, end + 1));
}
const fn = (name: string) => block(name, 2);
const cfnResource = (id: string) => block(id, 4);
/** A param of the default stage (the first definition in the file). */
const param = (name: string) => new RegExp(`\\n {4}${name}: (.+)\\n`).exec(yml)?.[1];

describe("FUNCTIONS", () => {
  it("names every function serverless.yml declares, and no other", () => {
    const declared = [...block("functions", 0).matchAll(/\n {2}(\w+):\n/g)].map(([, name]) => name);
    expect(declared.sort()).toEqual(
      Object.values(FUNCTIONS)
        .map((f) => f.name)
        .sort(),
    );
  });

  it.each(Object.values(FUNCTIONS))("$name: timeout and memory", (f) => {
    expect(fn(f.name)).toContain(`\n    timeout: ${f.timeoutSeconds}\n`);
    const memory =
      /\n {4}memorySize: (\d+)\n/.exec(fn(f.name))?.[1] ?? /\n {2}memorySize: (\d+)\n/.exec(yml)?.[1];
    expect(Number(memory)).toBe(f.memoryMb);
  });
});

describe("the results queue", () => {
  it("feeds publishVerificationResult with RESULTS_QUEUE_SOURCE's batches and partial failures", () => {
    const publisher = fn(FUNCTIONS.publishVerificationResult.name);
    expect(publisher).toContain('arn: { "Fn::GetAtt": [ResultsQueue, Arn] }');
    expect(publisher).toContain(`batchSize: ${RESULTS_QUEUE_SOURCE.batchSize}\n`);
    expect(publisher).toContain(
      `maximumBatchingWindow: ${RESULTS_QUEUE_SOURCE.maximumBatchingWindowSeconds}\n`,
    );
    expect(publisher).toContain("functionResponseType: ReportBatchItemFailures\n");
  });

  it("has RESULTS_QUEUE's visibility timeout, retention and receive count", () => {
    const queue = cfnResource("ResultsQueue");
    expect(queue).toContain(`VisibilityTimeout: ${RESULTS_QUEUE.visibilityTimeoutSeconds}\n`);
    expect(queue).toContain(`MessageRetentionPeriod: ${RESULTS_QUEUE.messageRetentionSeconds} `);
    expect(queue).toContain("maxReceiveCount: ${param:resultsMaxReceiveCount}\n");
    expect(param("resultsMaxReceiveCount")).toBe(String(RESULTS_QUEUE.maxReceiveCount));
    expect(cfnResource("ResultsDeadLetterQueue")).toContain(
      `MessageRetentionPeriod: ${RESULTS_QUEUE.messageRetentionSeconds} `,
    );
  });

  it("hides a message for at least 6 x the publisher's timeout plus its batching window", () => {
    expect(RESULTS_QUEUE.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(
      6 * FUNCTIONS.publishVerificationResult.timeoutSeconds +
        RESULTS_QUEUE_SOURCE.maximumBatchingWindowSeconds,
    );
  });
});

describe("the erasures queue", () => {
  it("has ERASURES_QUEUE's visibility timeout and receive count", () => {
    const queue = cfnResource("ErasuresQueue");
    expect(queue).toContain(`VisibilityTimeout: ${ERASURES_QUEUE.visibilityTimeoutSeconds}\n`);
    expect(queue).toContain(`maxReceiveCount: ${ERASURES_QUEUE.maxReceiveCount}\n`);
  });
});

describe("the reconciler's schedule", () => {
  it("runs every RECONCILE_RATE_SECONDS, from the reconcileSchedule param", () => {
    expect(fn(FUNCTIONS.reconcileSessions.name)).toContain("rate: ${param:reconcileSchedule}\n");
    expect(param("reconcileSchedule")).toBe(`rate(${RECONCILE_RATE_SECONDS / 60} minutes)`);
  });
});

describe("resourceNames", () => {
  const names = resourceNames("local");
  const queueName = (id: string) => /\n {8}QueueName: (.+)\n/.exec(cfnResource(id))?.[1];
  /** A name as serverless.yml builds it, for the `local` stage. */
  const forLocal = (template: string | undefined) =>
    template?.replace("${self:service}", SERVICE).replace("${sls:stage}", "local");

  it("names the queues as serverless.yml does", () => {
    expect(forLocal(queueName("RequestQueue"))).toBe(names.requestQueueName);
    expect(forLocal(queueName("RequestDlq"))).toBe(names.deadLetterQueueName);
    expect(forLocal(queueName("ResultsQueue"))).toBe(names.resultsQueueName);
    expect(forLocal(queueName("ResultsDeadLetterQueue"))).toBe(names.resultsDeadLetterQueueName);
  });

  it("is what the `local` stage's results queue URL defaults to", () => {
    expect(param("resultsQueueUrl")).toBe("{ Ref: ResultsQueue }");
    expect(yml).toMatch(
      new RegExp(
        `\\n {4}resultsQueueUrl: \\$\\{env:RESULTS_QUEUE_URL, 'http://127\\.0\\.0\\.1:4566/000000000000/${names.resultsQueueName}'\\}\\n`,
      ),
    );
  });

  it("keeps the request queue's settings where the local stack reads them", () => {
    expect(cfnResource("RequestQueue")).toContain(
      `VisibilityTimeout: ${REQUEST_QUEUE.visibilityTimeoutSeconds}\n`,
    );
  });
});
