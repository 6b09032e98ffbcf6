import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  announceNodeVersion,
  nodeVersionNotice,
  SDK_NODE_WARNING_SWITCH,
} from "../../local/node-version-notice";

describe("the SDK's Node notice", () => {
  it("speaks on Node 20 only", () => {
    expect(nodeVersionNotice("v20.20.2")).toMatch(/^Node v20\.20\.2: .*Node 22/);
    expect(nodeVersionNotice("v22.23.5")).toBeUndefined();
    expect(nodeVersionNotice("v24.1.0")).toBeUndefined();
  });

  it("is said once and then turns the SDK's own copy off", () => {
    const env: Record<string, string | undefined> = {};
    const lines: string[] = [];
    announceNodeVersion(env, "v20.1.0", (line) => lines.push(line));
    announceNodeVersion(env, "v20.1.0", (line) => lines.push(line));
    expect(lines).toHaveLength(1);
    expect(env[SDK_NODE_WARNING_SWITCH]).toBe("true");
  });

  it("is not said when a parent command already said it", () => {
    const lines: string[] = [];
    announceNodeVersion({ [SDK_NODE_WARNING_SWITCH]: "true" }, "v20.1.0", (line) => lines.push(line));
    expect(lines).toEqual([]);
  });

  it("a command that builds SDK clients prints it at most once, in one line, and never on Node 22", async () => {
    // A real process with real SDK clients: the SDK decides at client construction, per process.
    const script = [
      'import { announceNodeVersion } from "./local/node-version-notice.ts";',
      'import { SQSClient } from "@aws-sdk/client-sqs";',
      'import { SNSClient } from "@aws-sdk/client-sns";',
      "announceNodeVersion();",
      'new SQSClient({ region: "eu-west-1" }).destroy();',
      'new SNSClient({ region: "eu-west-1" }).destroy();',
    ].join("\n");
    const env = { ...process.env };
    delete env[SDK_NODE_WARNING_SWITCH];
    const { stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      { cwd: new URL("../..", import.meta.url), env },
    );
    expect(stderr).not.toContain("NodeVersionSupportWarning");
    const said = stderr.split("\n").filter((line) => line.includes("Node 22"));
    expect(said).toHaveLength(Number.parseInt(process.versions.node, 10) < 22 ? 1 : 0);
  });
});
