// `npm run smoke`: a live smoke test, one PASS/FAIL/SKIP line per step, exit 1 unless all pass.
// The modes and variables are in the usage text below (`--help`); docs: README "Deploying".
import { randomBytes } from "node:crypto";
import { DEFAULT_BASE_URL } from "../../lib/markid/index";
import { localAwsClientConfig } from "../aws/index";
import { commandLineOrExit, exitWithUsageError, parsedOrExit, wholeNumber } from "../cli/command-line";
import { announceNodeVersion } from "../node-version-notice";
import { startLocalStack, type LocalStack } from "../stack/stack";
import { listenToTopic } from "./event-listener";
import { markIdSteps, type MarkIdTarget } from "./markid-steps";
import { runSmokeSteps, smokeVerdict, type SmokeStep } from "./runner";
import { stackSteps, type StackTarget } from "./stack-steps";

const NAME = "npm run smoke --";
const { values } = commandLineOrExit({
  name: NAME,
  usage: `--markid | --stack --queue-url URL --events-topic-arn ARN | --local  [--timeout SECONDS]

  --markid                  Mark ID itself with your key pair: a token for a dummy APPROVED session,
                            then its status. MARKID_API_KEY and MARKID_API_SECRET (never printed),
                            MARKID_BASE_URL (default ${DEFAULT_BASE_URL}): use a development environment.
  --stack                   a deployed stack end to end: a request on its queue, its
                            verification.session-created event, then the verification.completed event
                            of Mark ID's signed result webhook. The stack's outputs RequestQueueUrl
                            and EventsTopicArn; AWS credentials as for the AWS CLI; the region is the
                            topic's. With --markid too, both.
  --local                   both against a local stack started for the run (what CI does)
  --timeout SECONDS         how long to wait for each event (default 120; --local 30)

Each run spends one or two verification credits (one per token).`,
  config: {
    options: {
      markid: { type: "boolean", default: false },
      stack: { type: "boolean", default: false },
      local: { type: "boolean", default: false },
      "queue-url": { type: "string" },
      "events-topic-arn": { type: "string" },
      timeout: { type: "string" },
    },
  },
});

if (!values.markid && !values.stack && !values.local)
  exitWithUsageError(NAME, "say --markid, --stack or --local");
if (values.local && (values.markid || values.stack))
  exitWithUsageError(NAME, "--local runs both; leave out --markid and --stack");
const timeoutMs =
  1000 *
  parsedOrExit(NAME, () =>
    wholeNumber(values.timeout ?? (values.local ? "30" : "120"), "--timeout", 1, 3600),
  );

/** Mark ID from the environment, or the usage error that names what is missing. */
function markIdFromEnvironment(): MarkIdTarget {
  const apiKey = process.env["MARKID_API_KEY"] ?? "";
  const apiSecret = process.env["MARKID_API_SECRET"] ?? "";
  if (apiKey === "" || apiSecret === "")
    exitWithUsageError(NAME, "--markid needs MARKID_API_KEY and MARKID_API_SECRET");
  return { baseUrl: process.env["MARKID_BASE_URL"] || DEFAULT_BASE_URL, apiKey, apiSecret };
}

/** A deployed stack from the arguments; its region is the topic's unless AWS_REGION says otherwise. */
function deployedStack(): Omit<StackTarget, "timeoutMs"> & { topicArn: string } {
  const queueUrl = values["queue-url"] ?? "";
  const topicArn = values["events-topic-arn"] ?? "";
  if (queueUrl === "" || topicArn === "") {
    exitWithUsageError(NAME, "--stack needs --queue-url and --events-topic-arn (the stack's outputs)");
  }
  const region = process.env["AWS_REGION"] || topicArn.split(":")[3] || "";
  if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:.+$/.test(topicArn)) {
    exitWithUsageError(NAME, `--events-topic-arn is not an SNS topic ARN: ${topicArn}`);
  }
  const clientConfig = { region };
  return {
    clientConfig,
    requestQueueUrl: queueUrl,
    topicArn,
    listen: () => listenToTopic(clientConfig, topicArn, runName),
  };
}

const runName = `markid-smoke-${randomBytes(4).toString("hex")}`;
announceNodeVersion();

let local: LocalStack | undefined;
const steps: SmokeStep[] = [];
const closers: (() => Promise<string[]>)[] = [];
if (values.local) {
  local = await startLocalStack({ simulatorPort: 0, awsPort: 0, webhookPort: 0 });
  const stack = local;
  const clientConfig = localAwsClientConfig(stack.awsEndpoint, stack.settings.region);
  steps.push(...markIdSteps({ baseUrl: stack.simulator.url, ...stack.secretValue }, `${runName}-markid`));
  const target = stackSteps(
    {
      clientConfig,
      requestQueueUrl: stack.resources.requestQueueUrl,
      listen: () => listenToTopic(clientConfig, stack.resources.eventsTopicArn, runName, false),
      timeoutMs,
    },
    runName,
    `${runName}-stack`,
  );
  steps.push(...target.steps);
  closers.push(target.close);
} else {
  if (values.markid) steps.push(...markIdSteps(markIdFromEnvironment(), `${runName}-markid`));
  if (values.stack) {
    const target = stackSteps({ ...deployedStack(), timeoutMs }, runName, `${runName}-stack`);
    steps.push(...target.steps);
    closers.push(target.close);
  }
}

console.log(`Smoke test ${runName}${local === undefined ? "" : " against a local stack"}:`);
const results = await runSmokeSteps(steps, (line) => console.log(line));
for (const close of closers) for (const problem of await close()) console.log(`note: ${problem}`);
await local?.close();
const verdict = smokeVerdict(results);
console.log(verdict.line);
process.exit(verdict.ok ? 0 : 1);
