/**
 * The AWS SDK warns in 9 lines, once per process, that its releases after the first week of
 * January 2027 need Node 22 — so once per command, once per child process and once per vitest
 * file (35 times in `npm test`). Lambda already runs nodejs22.x; the notice only concerns Node 20,
 * which the local tooling still supports. Each command calls `announceNodeVersion` first: on
 * Node 20 it prints the SDK's notice once, in one line, and sets the SDK's own switch for itself
 * and every child it starts; on Node 22 the SDK prints nothing and neither does this.
 */

/** The SDK's switch (@aws-sdk/core emitWarningIfUnsupportedVersion): "true" keeps it quiet. */
export const SDK_NODE_WARNING_SWITCH = "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED";

/** The Node major the SDK asks for from 2027, and the Lambda runtime. */
export const REQUIRED_NODE_MAJOR = 22;

/** The one-line notice for a Node version, or undefined when there is nothing to say. */
export function nodeVersionNotice(version: string): string | undefined {
  const major = Number.parseInt(version.replace(/^v/, ""), 10);
  if (!Number.isInteger(major) || major >= REQUIRED_NODE_MAJOR) return undefined;
  return (
    `Node ${version}: AWS SDK releases after the first week of January 2027 need Node ` +
    `${REQUIRED_NODE_MAJOR} (Lambda runs nodejs${REQUIRED_NODE_MAJOR}.x); ` +
    "`bash scripts/node22.sh <command>` runs a command on Node 22."
  );
}

/**
 * Says the notice at most once per command: not when the switch is already on (a parent command
 * said it, or the user turned it off), and turns it on so the SDK and child processes stay quiet.
 */
export function announceNodeVersion(
  env: Record<string, string | undefined> = process.env,
  version: string = process.version,
  write: (line: string) => void = (line) => console.error(line),
): void {
  if (env[SDK_NODE_WARNING_SWITCH] === "true") return;
  env[SDK_NODE_WARNING_SWITCH] = "true";
  const notice = nodeVersionNotice(version);
  if (notice !== undefined) write(notice);
}
