import {
  CREDENTIAL_CHECK_RATE_SECONDS,
  RECONCILE_RATE_SECONDS,
  REQUEST_QUEUE,
  RESULTS_QUEUE,
  ERASURES_QUEUE,
} from "./functions";
import { DEFAULT_PORTS } from "./settings";
import type { LocalStack } from "./stack";

/** What `npm start` prints once up: what runs where, and copy-paste lines to drive it. */
export function startBanner(stack: LocalStack, startupMs: number): string {
  const s = stack.settings;
  const prefix = cliPrefix(stack);
  const cli = (name: string, args: string) => `${prefix}npx tsx local/cli/${name}.ts ${args}`;
  const names = stack.resources;
  const tokenBalance = stack.simulator.control.tokenBalance();
  const env = Object.entries(invokeLocalEnvironment(stack))
    .map(([name, value]) => `${name}=${value}`)
    .join(" \\\n    ");
  const rows: [string, string][] = [
    [
      "Mark ID simulator",
      `${stack.simulator.url}   key pair ${stack.secretValue.apiKey}/…, ${tokenBalance} tokens`,
    ],
    [
      stack.aws === undefined ? "AWS (external)" : "Local AWS",
      `${stack.awsEndpoint}   Secrets Manager, SNS, SQS, DynamoDB${stack.aws === undefined ? "" : " (dynalite)"}`,
    ],
    ["Webhook HTTP API", `${stack.webhookUrl}   → verificationWebhook (the simulator's webhooks go here)`],
    [
      "startVerification",
      `polls ${queueName(names.requestQueueUrl)}: batch ${s.batchSize}, window ${s.batchingWindowMs / 1000} s, ` +
        `concurrency ${s.maxConcurrency}`,
    ],
    [
      "",
      `visibility timeout ${s.visibilityTimeoutSeconds} s (serverless.yml: ${REQUEST_QUEUE.visibilityTimeoutSeconds} s), ` +
        `DLQ after ${s.maxReceiveCount} receives → ${queueName(names.deadLetterQueueUrl)}`,
    ],
    [
      "publishVerificationResult",
      `polls ${queueName(names.resultsQueueUrl)}: publishes each queued result once (source, sequence)`,
    ],
    [
      "",
      `visibility timeout ${s.resultsVisibilityTimeoutSeconds} s (serverless.yml: ${RESULTS_QUEUE.visibilityTimeoutSeconds} s), ` +
        `DLQ after ${RESULTS_QUEUE.maxReceiveCount} receives → ${queueName(names.resultsDeadLetterQueueUrl)}`,
    ],
    [
      "erasePerson",
      names.erasuresQueueUrl === undefined
        ? "not polled (no erasures queue)"
        : `polls ${queueName(names.erasuresQueueUrl)}: one person at a time, a pending erasure again after ` +
          `${s.erasuresVisibilityTimeoutSeconds} s (serverless.yml: an hour), ` +
          `DLQ after ${ERASURES_QUEUE.maxReceiveCount} receives → verification.erased`,
    ],
    [
      "checkCredentials",
      `every ${s.credentialCheckIntervalSeconds} s (serverless.yml: every ${CREDENTIAL_CHECK_RATE_SECONDS / 60} min), and once at start`,
    ],
    [
      "reconcileSessions",
      `every ${s.reconcileIntervalSeconds} s (serverless.yml: every ${RECONCILE_RATE_SECONDS / 60} min), and once at start: ` +
        "results of sessions whose webhook never came",
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const tries: [string, string][] = [
    [cli("enqueue", "--dummy-status APPROVED"), "a session, then a signed webhook → verification.completed"],
    [cli("enqueue", "--request-id order-42"), "run it twice: same session, no second token"],
    [cli("enqueue", "--field sex=X"), "a bad request → verification.failed"],
    [cli("simulator", "balance 0"), "token limit: one alert, messages kept; then `balance 100`"],
    [
      cli("simulator", "rotate"),
      "new key pair at Mark ID and in the secret (`--simulator-only`: a mismatch)",
    ],
    [cli("simulator", `fault '{"fault":{"type":"html-5xx","status":503},"count":3}'`), "Mark ID failing"],
    [cli("dlq", "list"), "what reached the dead-letter queue; `redrive` sends it back"],
    ["npm run demo", "the guided scenario, on its own stack (random ports)"],
  ];

  return `
Local stack up in ${(startupMs / 1000).toFixed(1)} s. Everything listens on 127.0.0.1; Ctrl-C stops it.

${rows.map(([label, text]) => `  ${label.padEnd(width)}  ${text}`).join("\n")}

Published events and alerts print below, one line each (identifiers and statuses only: never an
authToken, a redirect URL or a person's data). Handler logs: POWERTOOLS_LOG_LEVEL=WARN npm start.

Try:
${tries.map(([command, what]) => `  # ${what}\n  ${command}`).join("\n")}

The functions' environment, e.g. for \`serverless invoke local --stage local\` (events/README.md):
  export ${env}
`;
}

/** Environment to put before a drive command when the stack does not run on the default ports. */
export function cliPrefix(stack: LocalStack): string {
  const s = stack.settings;
  const vars: string[] = [];
  if (s.simulatorPort !== DEFAULT_PORTS.simulator) vars.push(`SIMULATOR_PORT=${portOf(stack.simulator.url)}`);
  if (stack.aws !== undefined && s.awsPort !== DEFAULT_PORTS.aws)
    vars.push(`LOCAL_AWS_PORT=${portOf(stack.awsEndpoint)}`);
  if (stack.aws === undefined) vars.push(`AWS_ENDPOINT_URL=${stack.awsEndpoint}`);
  if (s.stage !== "local") vars.push(`LOCAL_STAGE=${s.stage}`);
  return vars.length === 0 ? "" : `${vars.join(" ")} `;
}

function invokeLocalEnvironment(stack: LocalStack): Record<string, string> {
  const env = stack.functionEnvironment;
  const pick = [
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "MARKID_BASE_URL",
    "MARKID_SECRET_ID",
    "EVENTS_TOPIC_ARN",
    "ALERTS_TOPIC_ARN",
    "STATE_TABLE",
    "RESULTS_QUEUE_URL",
  ];
  return Object.fromEntries(pick.filter((name) => env[name] !== undefined).map((name) => [name, env[name]!]));
}

function portOf(url: string): string {
  return new URL(url).port;
}

function queueName(url: string): string {
  return url.slice(url.lastIndexOf("/") + 1);
}
