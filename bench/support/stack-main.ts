// The local stack in a process of its own for the benchmarks (support/stack-process.ts starts
// it): every function behind its event source, the built-in local AWS, the simulator, all on
// free ports. Says `ready` over the IPC channel, answers `completed` with the verification.completed
// events the local SNS took (and when), and stops on `close` or when its parent goes.
import { RESULTS_QUEUE_SOURCE } from "../../local/stack/functions";
import { startLocalStack } from "../../local/stack/stack";
import type { CompletedEvent, StackReady, StackReply, StackRequest } from "./stack-process";

const stack = await startLocalStack({
  simulatorPort: 0,
  awsPort: 0,
  webhookPort: 0,
  stage: "bench",
  // Both timers run once at start, then not again during a figure: neither is on the results path.
  credentialCheckIntervalSeconds: 3600,
  reconcileIntervalSeconds: 3600,
  // As deployed (serverless.yml's logLevel INFO, EMF metrics on); the lines go to a discarded stdout.
  functionEnvironment: { POWERTOOLS_LOG_LEVEL: "INFO", POWERTOOLS_METRICS_DISABLED: "false" },
});

const completed = (): CompletedEvent[] =>
  stack.published
    .list((record) => record.topic === "events" && record.type === "verification.completed")
    .map((record) => ({
      scanRef: typeof record.body["scanRef"] === "string" ? record.body["scanRef"] : "",
      at: record.at,
      sequence: typeof record.body["sequence"] === "number" ? record.body["sequence"] : undefined,
    }));

let closing = false;
const close = () => {
  if (closing) return;
  closing = true;
  void stack.close().finally(() => process.exit(0));
};

const send = (message: StackReady | StackReply) => process.send?.(message);
process.on("message", (message: StackRequest) => {
  if (message.kind === "completed") send({ kind: "completed", events: completed() });
  else close();
});
process.on("disconnect", close);
process.on("SIGTERM", close);

send({
  kind: "ready",
  webhookUrl: stack.webhookUrl,
  signingKey: stack.secretValue.webhookSigningKey,
  signatureHeader: stack.functionEnvironment["MARKID_SIGNATURE_HEADER"] ?? "Idenfy-Signature",
  resultsBatchingWindowMs: stack.settings.resultsBatchingWindowMs,
  resultsBatchSize: RESULTS_QUEUE_SOURCE.batchSize,
  receiveWaitSeconds: stack.settings.receiveWaitSeconds,
});
