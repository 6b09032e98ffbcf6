import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkLocalEndpoint } from "../../local/stack/endpoint-guard";
import {
  CREDENTIAL_CHECK_RATE_SECONDS,
  FUNCTIONS,
  REQUEST_QUEUE,
  REQUEST_QUEUE_SOURCE,
  resourceNames,
} from "../../local/stack/functions";
import { DEFAULT_SETTINGS, settingsFromEnvironment } from "../../local/stack/settings";

describe("local function settings mirror serverless.yml", () => {
  const yml = readFileSync(new URL("../../serverless.yml", import.meta.url), "utf8");
  /** The text of one function's block under `functions:`. */
  const block = (name: string) => {
    const start = yml.indexOf(`\n  ${name}:\n`);
    expect(start).toBeGreaterThan(-1);
    const rest = yml.slice(start + 1);
    const end = rest.slice(1).search(/\n {2}\S|\n\S/);
    return end === -1 ? rest : rest.slice(0, end + 1);
  };
  const param = (name: string) => new RegExp(`\\n {4}${name}: (.+)\\n`).exec(yml)?.[1];

  it.each(Object.values(FUNCTIONS))("$name: timeout", (fn) => {
    expect(block(fn.name)).toContain(`timeout: ${fn.timeoutSeconds}\n`);
  });

  it("startVerification's event source, the queue and the schedule", () => {
    const start = block("startVerification");
    expect(start).toContain(`batchSize: ${REQUEST_QUEUE_SOURCE.batchSize}\n`);
    expect(start).toContain(`maximumBatchingWindow: ${REQUEST_QUEUE_SOURCE.maximumBatchingWindowSeconds}\n`);
    expect(start).toContain("maximumConcurrency: ${param:maxConcurrency}");
    expect(param("maxConcurrency")).toBe(String(REQUEST_QUEUE_SOURCE.maximumConcurrency));
    expect(param("maxReceiveCount")).toBe(String(REQUEST_QUEUE.maxReceiveCount));
    expect(yml).toContain(`VisibilityTimeout: ${REQUEST_QUEUE.visibilityTimeoutSeconds}\n`);
    expect(param("credentialCheckSchedule")).toBe(`rate(${CREDENTIAL_CHECK_RATE_SECONDS / 60} minutes)`);
  });

  it("resource names match the `local` stage's defaults", () => {
    const names = resourceNames("local");
    expect(yml).toContain(`'arn:aws:sns:eu-west-1:000000000000:${names.eventsTopicName}'`);
    expect(yml).toContain(`'arn:aws:sns:eu-west-1:000000000000:${names.alertsTopicName}'`);
    expect(yml).toContain(`'${names.tableName}'`);
    expect(yml).toContain(`'${names.secretName}'`);
  });
});

describe("settingsFromEnvironment", () => {
  it("uses the defaults for an empty environment (empty values count as unset)", () => {
    expect(settingsFromEnvironment({ SIMULATOR_PORT: "" })).toEqual({
      ok: true,
      settings: DEFAULT_SETTINGS,
      sampleRequest: true,
    });
  });

  it("skips the sample request only when told to", () => {
    const sample = (value: string) => {
      const parsed = settingsFromEnvironment({ LOCAL_SAMPLE_REQUEST: value });
      return parsed.ok ? parsed.sampleRequest : `invalid: ${parsed.problems.join()}`;
    };
    expect(sample("false")).toBe(false);
    expect(sample("true")).toBe(true);
    expect(sample("no")).toMatch(/^invalid: LOCAL_SAMPLE_REQUEST/);
  });

  it("reads each override", () => {
    const parsed = settingsFromEnvironment({
      SIMULATOR_PORT: "9000",
      LOCAL_AWS_PORT: "0",
      WEBHOOK_PORT: "3001",
      AWS_ENDPOINT_URL: "http://localhost:4566",
      LOCAL_VISIBILITY_TIMEOUT_SECONDS: "5",
      LOCAL_MAX_RECEIVE_COUNT: "2",
      CREDENTIAL_CHECK_INTERVAL_SECONDS: "30",
      SIMULATOR_TOKEN_BALANCE: "0",
    });
    expect(parsed).toMatchObject({
      ok: true,
      settings: {
        simulatorPort: 9000,
        awsPort: 0,
        webhookPort: 3001,
        awsEndpoint: "http://localhost:4566",
        visibilityTimeoutSeconds: 5,
        maxReceiveCount: 2,
        credentialCheckIntervalSeconds: 30,
        tokenBalance: 0,
      },
    });
  });

  it("names every bad variable", () => {
    const parsed = settingsFromEnvironment({ SIMULATOR_PORT: "http", LOCAL_MAX_RECEIVE_COUNT: "0" });
    expect(parsed.ok).toBe(false);
    const problems = parsed.ok ? [] : parsed.problems;
    expect(problems.some((p) => p.startsWith("SIMULATOR_PORT"))).toBe(true);
    expect(problems.some((p) => p.startsWith("LOCAL_MAX_RECEIVE_COUNT"))).toBe(true);
  });
});

describe("checkLocalEndpoint", () => {
  it.each([
    "http://localhost:4566",
    "http://127.0.0.1:4566",
    "http://[::1]:4566",
    "https://localhost.localstack.cloud:4566",
    "http://localstack:4566",
  ])("accepts %s", (url) => {
    expect(() => checkLocalEndpoint(url)).not.toThrow();
  });

  it.each(["https://sqs.eu-west-1.amazonaws.com", "http://10.0.0.5:4566", "http://localhost.evil.example"])(
    "refuses %s, so a stray AWS_ENDPOINT_URL never provisions a real account",
    (url) => {
      expect(() => checkLocalEndpoint(url)).toThrow(/not a local endpoint/);
    },
  );
});
