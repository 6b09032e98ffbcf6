// `npm start`: the whole system on loopback — Mark ID simulator, local AWS, the five functions
// behind their event sources — with embedded defaults and no AWS account. See docs/local-stack.md.
import { randomBytes } from "node:crypto";
import { announceNodeVersion } from "./node-version-notice";
import { startBanner } from "./stack/banner";
import { SETTINGS_VARIABLES, settingsFromEnvironment } from "./stack/settings";
import { commandLineOrExit } from "./cli/command-line";
import { startLocalStack } from "./stack/stack";
import { timestamped } from "./stack/console-lines";
import { SERVICE } from "./stack/functions";
import { describeHandlerLog, handlerLogLevels, tapHandlerLogs } from "./stack/handler-log-tap";
import { stopOnSignalOrOrphaning } from "./stack/shutdown";
import { InvalidEnvironmentError } from "./stack/function-environment";

commandLineOrExit({
  name: "npm start",
  usage: `(no arguments; settings come from the environment)

The whole system on loopback: Mark ID simulator, local AWS, the five functions behind their event
sources. Ctrl-C (SIGINT) or SIGTERM stops everything it started.

Settings (docs/local-stack.md): ${SETTINGS_VARIABLES.join(", ")}.`,
  config: { options: {} },
});
announceNodeVersion();
const parsed = settingsFromEnvironment(process.env);
if (!parsed.ok) {
  console.error(`npm start: invalid settings\n  ${parsed.problems.join("\n  ")}`);
  process.exit(1);
}

// Retries, duplicates and give-backs are in the handlers' INFO and WARN lines: read them whatever
// the user asked to see (local/stack/handler-log-tap.ts).
const logLevels = handlerLogLevels(process.env["POWERTOOLS_LOG_LEVEL"]);
process.env["POWERTOOLS_LOG_LEVEL"] = logLevels.run;
tapHandlerLogs({
  service: process.env["POWERTOOLS_SERVICE_NAME"] || SERVICE,
  show: logLevels.show,
  onEntry: (entry) => {
    const line = describeHandlerLog(entry);
    if (line !== undefined) console.log(timestamped(line));
  },
});

const started = Date.now();
let stack;
try {
  stack = await startLocalStack(parsed.settings, { log: (line) => console.log(line) });
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  const inUse = (error as { code?: unknown }).code === "EADDRINUSE";
  console.error(
    error instanceof InvalidEnvironmentError
      ? `npm start: invalid settings\n  ${error.problems.join("\n  ")}`
      : inUse
        ? `npm start: a port is already in use (${message}). Set SIMULATOR_PORT, LOCAL_AWS_PORT or WEBHOOK_PORT.`
        : `npm start: could not start the local stack: ${message}`,
  );
  process.exit(1);
}
console.log(startBanner(stack, Date.now() - started));

if (parsed.sampleRequest) {
  // The first thing a new user should see is the flow itself: request → session → signed result.
  const requestId = `sample-${randomBytes(4).toString("hex")}`;
  try {
    await stack.enqueue({ requestId, clientId: "sample-client", dummyStatus: "APPROVED" });
    console.log(
      `Sent a sample request (requestId=${requestId}, dummy status APPROVED); its session and result print below. ` +
        "LOCAL_SAMPLE_REQUEST=false skips it.\n",
    );
  } catch (error) {
    console.error(
      `npm start: the sample request could not be sent: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

stopOnSignalOrOrphaning({
  stop: () => stack.close(),
  log: (line) => console.log(line),
  exit: (code) => process.exit(code),
});
