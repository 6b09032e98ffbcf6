import { readFileSync } from "node:fs";
import { PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import type { ScheduledEvent } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { createCheckCredentialsHandler, handler } from "../../functions/check-credentials";
import type { AlertMessage } from "../../lib/messages";
import type { Dependencies } from "../../lib/runtime/dependencies";
import { lambdaContext } from "../support/lambda-context";
import { jsonLines, useOutputCapture } from "../support/output-capture";
import { STACK_SECRET, useHandlerEnvironment, useStack } from "../support/stack";

/* The scheduled credential check handler over the simulator and the local AWS stack. */

const stack = useStack({ simulator: { unauthorizedStyle: "plain-401" } });
const logs = useOutputCapture();

const SCHEDULE = JSON.parse(
  readFileSync(new URL("../../events/schedule-check-credentials.json", import.meta.url), "utf8"),
) as ScheduledEvent;
const ROTATED = { apiKey: "rotated-api-key-6621", apiSecret: "rotated-api-secret-6621" };

useHandlerEnvironment(stack, { STAGE: "functions-test" });

afterEach(async () => {
  stack().aws.faults.clear();
  stack().simulator.control.clearFaults();
  stack().simulator.control.rotateCredentials(STACK_SECRET.apiKey, STACK_SECRET.apiSecret);
  await stack().clients.secretsManager.send(
    new PutSecretValueCommand({
      SecretId: stack().resources.secretName,
      SecretString: JSON.stringify(STACK_SECRET),
    }),
  );
});

const invoke = (deps: Dependencies) =>
  createCheckCredentialsHandler(() => deps)(SCHEDULE, lambdaContext(30_000));

const alertsPublished = () =>
  stack()
    .aws.sns.published(stack().resources.alertsTopicArn)
    .map((message) => JSON.parse(message.message) as AlertMessage);

const tokenCalls = () =>
  stack()
    .simulator.control.requests()
    .filter((request) => request.path.toLowerCase().includes("/token"));

describe("the exported handler, configured from the environment as in Lambda", () => {
  it("proves the key pair and returns the summary", async () => {
    const summary = await handler(SCHEDULE, lambdaContext(30_000, "checkCredentials"));
    expect(summary).toMatchObject({ outcome: "ok", probePath: "/api/v2/status", attempts: 1 });
  });
});

describe("summary and log", () => {
  it("logs the summary with the schedule event's id as correlation id, and counts the outcome", async () => {
    const summary = await invoke(stack().newContainer());
    const lines = jsonLines(logs());
    expect(lines).toContainEqual(
      expect.objectContaining({ message: "credential check: ok", correlation_id: SCHEDULE.id, summary }),
    );
    expect(lines.some((line) => "CredentialCheck" in line && line.outcome === "ok")).toBe(true);
  });
});

describe("credentials rotated at Mark ID only (plain 401 replies)", () => {
  it("alert once across runs and containers, then resolve once after the secret is fixed", async () => {
    const container = stack().newContainer();
    stack().simulator.control.rotateCredentials(ROTATED.apiKey, ROTATED.apiSecret);
    const before = alertsPublished().length;

    const first = await invoke(container);
    const second = await invoke(stack().newContainer());
    expect([first.outcome, second.outcome]).toEqual(["credentials-invalid", "credentials-invalid"]);
    expect(first.credentialsRefreshed).toBe(true);
    expect(alertsPublished().slice(before)).toMatchObject([
      { type: "markid.credentials-invalid", state: "firing", stage: "test" },
    ]);

    await stack().clients.secretsManager.send(
      new PutSecretValueCommand({
        SecretId: stack().resources.secretName,
        SecretString: JSON.stringify({ ...STACK_SECRET, ...ROTATED }),
      }),
    );
    expect((await invoke(container)).outcome).toBe("ok");
    expect((await invoke(container)).outcome).toBe("ok");
    expect(alertsPublished().slice(before)).toMatchObject([
      { type: "markid.credentials-invalid", state: "firing" },
      { type: "markid.credentials-invalid", state: "resolved" },
    ]);
    expect(tokenCalls()).toEqual([]);
  });
});

describe("failures that end in a summary, not a crash", () => {
  it("Mark ID answering 5xx on every call: unavailable, alert once, resolved on recovery", async () => {
    const container = stack().newContainer();
    const before = alertsPublished().length;
    stack().simulator.control.injectFault({ fault: { type: "html-5xx", status: 502 }, fraction: 1 });

    expect((await invoke(container)).outcome).toBe("unavailable");
    expect((await invoke(container)).outcome).toBe("unavailable");
    stack().simulator.control.clearFaults();
    expect((await invoke(container)).outcome).toBe("ok");

    expect(alertsPublished().slice(before)).toMatchObject([
      { type: "markid.unavailable", state: "firing", count: 1 },
      { type: "markid.unavailable", state: "resolved", count: 2 },
    ]);
  });

  it("Secrets Manager failing: secrets-unavailable, logged", async () => {
    stack().aws.faults.inject({ service: "secretsmanager", operation: "GetSecretValue", error: "internal" });
    const summary = await invoke(stack().newContainer());
    expect(summary).toMatchObject({ outcome: "secrets-unavailable", attempts: 0 });
    expect(jsonLines(logs())).toContainEqual(
      expect.objectContaining({ level: "ERROR", message: "credential check: secrets-unavailable" }),
    );
  });

  it("SNS failing while alerting: the summary says the alert was not sent", async () => {
    const container = stack().newContainer();
    stack().simulator.control.injectFault({ fault: { type: "reset" }, fraction: 1 });
    stack().aws.faults.inject({ service: "sns", operation: "Publish", error: "internal" });

    const summary = await invoke(container);
    expect(summary.outcome).toBe("unavailable");
    expect(summary.alerts).toMatchObject([{ type: "markid.unavailable", state: "firing", sent: false }]);
    expect(summary.alerts[0]?.error).toContain("sns Publish failed");

    // Nothing was lost: the next run, with SNS back, sends it.
    stack().aws.faults.clear();
    expect((await invoke(container)).alerts).toEqual([
      { type: "markid.unavailable", state: "firing", sent: true },
    ]);
  });
});

describe("what the handler logs", () => {
  it("never contains the API key pair or the signing key", () => {
    const output = logs();
    expect(output).toContain("credential check");
    for (const value of [
      STACK_SECRET.apiKey,
      STACK_SECRET.apiSecret,
      STACK_SECRET.webhookSigningKey,
      ROTATED.apiKey,
      ROTATED.apiSecret,
    ]) {
      expect(output, `log contains ${value}`).not.toContain(value);
    }
    expect(tokenCalls()).toEqual([]);
  });
});
