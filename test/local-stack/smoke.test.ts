import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heardEvent } from "../../local/smoke/event-listener";
import { runSmokeSteps, smokeVerdict, stepLine } from "../../local/smoke/runner";
import { startLocalStack, type LocalStack } from "../../local/stack/stack";
import { runEntryPoint } from "../support/run-command";

describe("runSmokeSteps", () => {
  it("one line per step: PASS with its detail, FAIL with why, SKIP for a step whose need failed", async () => {
    const lines: string[] = [];
    let clock = 0;
    const results = await runSmokeSteps(
      [
        { name: "token", run: () => Promise.resolve("scanRef abc") },
        { name: "request", run: () => Promise.reject(new Error("queue not found\nsecond line")) },
        { name: "session", needs: ["request"], run: () => Promise.resolve("never run") },
        { name: "status", needs: ["token"], run: () => Promise.resolve("APPROVED") },
      ],
      (line) => lines.push(line),
      () => (clock += 500),
    );
    expect(lines).toEqual([
      "PASS  token      0.5 s  scanRef abc",
      "FAIL  request    0.5 s  queue not found second line",
      "SKIP  session    0.0 s  needs request",
      "PASS  status     0.5 s  APPROVED",
    ]);
    expect(smokeVerdict(results)).toEqual({ ok: false, line: "smoke test FAILED: 2/4 steps passed" });
  });

  it("passes only when every step passed, and not with no steps at all", () => {
    const pass = { name: "a", status: "PASS", durationMs: 0, detail: "" } as const;
    expect(smokeVerdict([pass, pass]).ok).toBe(true);
    expect(smokeVerdict([]).ok).toBe(false);
    expect(stepLine({ ...pass, name: "abc", detail: "x" }, 5)).toBe("PASS  abc      0.0 s  x");
  });
});

describe("heardEvent", () => {
  it("reads the event out of an SNS notification envelope, and ignores anything else", () => {
    const envelope = {
      Type: "Notification",
      Message: JSON.stringify({ requestId: "r-1", scanRef: "s-1" }),
      MessageAttributes: { type: { Type: "String", Value: "verification.session-created" } },
    };
    expect(heardEvent(JSON.stringify(envelope))).toEqual([
      { type: "verification.session-created", body: { requestId: "r-1", scanRef: "s-1" } },
    ]);
    expect(heardEvent("not json")).toEqual([]);
    expect(heardEvent(JSON.stringify({ ...envelope, MessageAttributes: {} }))).toEqual([]);
    expect(heardEvent(JSON.stringify({ ...envelope, Message: "not json" }))).toEqual([]);
  });
});

/** `npm run smoke -- <args>` as a user runs it. */
const smoke = (args: string[], env: Record<string, string> = {}) =>
  runEntryPoint("local/smoke/main.ts", args, env);

const stepLines = (stdout: string) => stdout.split("\n").filter((line) => /^(PASS|FAIL|SKIP) /.test(line));

describe("npm run smoke", () => {
  it("--local: every step passes against a local stack, exit 0", { timeout: 60_000 }, async () => {
    const { code, stdout } = await smoke(["--local"]);
    expect(stepLines(stdout).map((line) => line.split(/ {2,}/).slice(0, 2).join(" "))).toEqual([
      "PASS Mark ID token",
      "PASS Mark ID status",
      "PASS events subscribed",
      "PASS request sent",
      "PASS session event",
      "PASS result event",
    ]);
    expect(stdout).toContain("smoke test passed: 6/6 steps passed");
    expect(code).toBe(0);
  });

  it("--markid against an unreachable Mark ID: FAIL, then SKIP, exit 1, and the key pair never printed", async () => {
    const { code, stdout, stderr } = await smoke(["--markid"], {
      MARKID_BASE_URL: "http://127.0.0.1:9",
      MARKID_API_KEY: "smoke-test-key-5d1c",
      MARKID_API_SECRET: "smoke-test-secret-8e2f",
    });
    expect(stepLines(stdout)).toEqual([
      expect.stringMatching(/^FAIL {2}Mark ID token {4}.* POST \/api\/v2\/token: Mark ID unreachable/),
      expect.stringMatching(/^SKIP {2}Mark ID status {3}.* needs Mark ID token$/),
    ]);
    expect(code).toBe(1);
    expect(stdout + stderr).not.toMatch(/smoke-test-key-5d1c|smoke-test-secret-8e2f/);
  });

  it.each([
    [[], "say --markid, --stack or --local"],
    [["--markid"], "--markid needs MARKID_API_KEY and MARKID_API_SECRET"],
    [["--stack", "--queue-url", "https://sqs.example/q"], "--stack needs --queue-url and --events-topic-arn"],
    [["--local", "--markid"], "--local runs both"],
  ])("refuses %j in one line: %s", async (args, problem) => {
    const { code, stdout, stderr } = await smoke(args, { MARKID_API_KEY: "", MARKID_API_SECRET: "" });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^npm run smoke --: .+ \(--help shows the usage\)\n$/);
    expect(stderr).toContain(problem);
  });
});

describe("npm run smoke -- --markid --stack, the deploy checklist's command", () => {
  // A stack in this process stands in for a deployed one: the smoke test reaches it only through
  // what a user passes (the outputs, AWS_ENDPOINT_URL instead of AWS, the key pair).
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ simulatorPort: 0, awsPort: 0, webhookPort: 0 });
  });
  afterAll(async () => stack?.close());

  it("runs every step against the stack it is pointed at", { timeout: 60_000 }, async () => {
    const { code, stdout } = await smoke(
      [
        "--markid",
        "--stack",
        "--queue-url",
        stack.resources.requestQueueUrl,
        "--events-topic-arn",
        stack.resources.eventsTopicArn,
        "--timeout",
        "20",
      ],
      {
        MARKID_BASE_URL: stack.simulator.url,
        MARKID_API_KEY: stack.secretValue.apiKey,
        MARKID_API_SECRET: stack.secretValue.apiSecret,
        AWS_ENDPOINT_URL: stack.awsEndpoint,
        AWS_ACCESS_KEY_ID: "local",
        AWS_SECRET_ACCESS_KEY: "local",
      },
    );
    expect(stepLines(stdout).map((line) => line.slice(0, 4))).toEqual([
      "PASS",
      "PASS",
      "PASS",
      "PASS",
      "PASS",
      "PASS",
    ]);
    expect(stdout).toContain("smoke test passed: 6/6 steps passed");
    expect(stdout).not.toContain(stack.secretValue.apiSecret);
    expect(code).toBe(0);
    // The request went through the stack's own queue and function: its session was published.
    const sessions = stack.published.list(
      (r) =>
        r.type === "verification.session-created" && String(r.body["requestId"]).startsWith("markid-smoke-"),
    );
    expect(sessions).toHaveLength(1);
  });
});
