import { describe, expect, it } from "vitest";
import { functionEnvironmentProblems, handlerEnvironment } from "../../local/stack/function-environment";
import { DEFAULT_SETTINGS } from "../../local/stack/settings";

const resources = {
  environment: {
    MARKID_SECRET_ID: "markid/local/api",
    EVENTS_TOPIC_ARN: "arn:aws:sns:eu-west-1:000000000000:events",
    ALERTS_TOPIC_ARN: "arn:aws:sns:eu-west-1:000000000000:alerts",
    STATE_TABLE: "state",
  },
} as unknown as Parameters<typeof handlerEnvironment>[3];

/** The handlers' environment for a shell, and what npm start says about it. */
function check(shell: Record<string, string>) {
  const environment = handlerEnvironment(
    DEFAULT_SETTINGS,
    "http://127.0.0.1:4566",
    "http://127.0.0.1:8090",
    resources,
    shell,
  );
  return { environment, problems: functionEnvironmentProblems(environment, shell) };
}

describe("the handlers' environment under npm start", () => {
  it("accepts an empty shell", () => {
    expect(check({}).problems).toEqual([]);
  });

  it("refuses a stack-owned variable the shell sets to something else, naming it but not its value", () => {
    const { environment, problems } = check({ MARKID_BASE_URL: "notaurl", STAGE: "prod" });
    expect(environment["MARKID_BASE_URL"]).toBe("http://127.0.0.1:8090");
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^MARKID_BASE_URL: set by the local stack itself/);
    expect(problems[1]).toMatch(/^STAGE: /);
    expect(problems.join("\n")).not.toContain("notaurl");
  });

  it("accepts the stack's own values left exported from an earlier run", () => {
    expect(check({ MARKID_BASE_URL: "http://127.0.0.1:8090", STATE_TABLE: "state" }).problems).toEqual([]);
  });

  it("refuses a log level Powertools does not know, any case of a known one is fine", () => {
    expect(check({ POWERTOOLS_LOG_LEVEL: "LOUD" }).problems).toEqual([
      "POWERTOOLS_LOG_LEVEL: must be one of TRACE, DEBUG, INFO, WARN, ERROR, SILENT, CRITICAL",
    ]);
    expect(check({ POWERTOOLS_LOG_LEVEL: "warn" }).problems).toEqual([]);
    expect(check({ POWERTOOLS_LOG_LEVEL: "warn" }).environment["POWERTOOLS_LOG_LEVEL"]).toBe("warn");
  });

  it("passes a function setting from the shell through, and refuses a bad one as lib/config.ts does", () => {
    expect(check({ MARKID_TOKEN_UNKNOWN_OUTCOME: "fail" }).problems).toEqual([]);
    const { problems } = check({ RETRY_MAX_ATTEMPTS: "abc", MARKID_TOKEN_UNKNOWN_OUTCOME: "maybe" });
    expect(problems.map((line) => line.split(":")[0])).toEqual([
      "MARKID_TOKEN_UNKNOWN_OUTCOME",
      "RETRY_MAX_ATTEMPTS",
    ]);
  });
});
