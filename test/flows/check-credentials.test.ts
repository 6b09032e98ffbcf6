import { PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkCredentials, type CheckCredentialsOptions } from "../../lib/flows/check-credentials";
import { PROBE_SCAN_REF } from "../../lib/markid/probe";
import type { AlertMessage } from "../../lib/messages";
import type { Dependencies } from "../../lib/runtime/dependencies";
import { STACK_SECRET, useStack } from "../support/stack";

/* The credential check over the simulator and the local AWS stack, real HTTP throughout. */

const stack = useStack();

function check(deps: Dependencies, options: Partial<CheckCredentialsOptions> = {}) {
  return checkCredentials(deps, {
    probePath: deps.config.MARKID_PROBE_PATH,
    timeoutMs: deps.config.MARKID_TIMEOUT_MS,
    remainingTimeMs: () => 30_000,
    ...options,
  });
}

function alertsPublished(): AlertMessage[] {
  return stack()
    .aws.sns.published(stack().resources.alertsTopicArn)
    .map((message) => JSON.parse(message.message) as AlertMessage);
}

function newAlerts<T>(run: () => Promise<T>): Promise<{ result: T; alerts: AlertMessage[] }> {
  const before = alertsPublished().length;
  return run().then((result) => ({ result, alerts: alertsPublished().slice(before) }));
}

const tokenCalls = () =>
  stack()
    .simulator.control.requests()
    .filter((request) => request.path.toLowerCase().startsWith("/api/v2/token"));

async function putSecret(value: object): Promise<void> {
  await stack().clients.secretsManager.send(
    new PutSecretValueCommand({
      SecretId: stack().resources.secretName,
      SecretString: JSON.stringify(value),
    }),
  );
}

beforeEach(async () => {
  // Every test starts healthy, with the check's alerts resolved.
  await check(stack().newContainer());
});

afterEach(async () => {
  stack().aws.faults.clear();
  stack().simulator.control.clearFaults();
  stack().simulator.control.rotateCredentials(STACK_SECRET.apiKey, STACK_SECRET.apiSecret);
  await putSecret(STACK_SECRET);
});

describe("valid credentials", () => {
  it("are proven by the probe's BAD_VALUE reply, with one call and no token", async () => {
    stack().simulator.control.clearRequests();
    const { result: summary, alerts } = await newAlerts(() => check(stack().newContainer()));

    expect(summary).toEqual({
      outcome: "ok",
      probePath: "/api/v2/status",
      attempts: 1,
      credentialsRefreshed: false,
      detail: "HTTP 400 BAD_VALUE",
      suspectProbePath: false,
      alerts: [
        { type: "markid.credentials-invalid", state: "resolved", sent: false },
        { type: "markid.unavailable", state: "resolved", sent: false },
      ],
    });
    expect(alerts).toEqual([]);
    const requests = stack().simulator.control.requests();
    expect(requests.map((request) => [request.method, request.path, request.authorized])).toEqual([
      ["POST", "/api/v2/status", true],
    ]);
    expect(JSON.parse(requests[0]!.body)).toEqual({ scanRef: PROBE_SCAN_REF });
    expect(tokenCalls()).toEqual([]);
  });
});

describe("credentials rotated at Mark ID but not in the secret", () => {
  it("raise credentials-invalid once per window, then resolve once when the secret is fixed", async () => {
    const container = stack().newContainer();
    stack().simulator.control.rotateCredentials("rotated-key", "rotated-secret");

    const first = await newAlerts(() => check(container));
    expect(first.result).toMatchObject({
      outcome: "credentials-invalid",
      attempts: 1,
      credentialsRefreshed: true,
      alerts: [
        { type: "markid.credentials-invalid", state: "firing", sent: true },
        { type: "markid.unavailable", state: "resolved", sent: false },
      ],
    });
    expect(first.alerts).toMatchObject([{ type: "markid.credentials-invalid", state: "firing", count: 1 }]);
    expect(first.alerts[0]!.summary).toContain("UNAUTHORIZED");

    const second = await newAlerts(() => check(stack().newContainer()));
    expect(second.result.outcome).toBe("credentials-invalid");
    expect(second.result.alerts[0]).toEqual({
      type: "markid.credentials-invalid",
      state: "firing",
      sent: false,
    });
    expect(second.alerts).toEqual([]);

    // The operator fixes the secret; the container still holds the old pair in its cache.
    await putSecret({ ...STACK_SECRET, apiKey: "rotated-key", apiSecret: "rotated-secret" });
    const fixed = await newAlerts(() => check(container));
    expect(fixed.result).toMatchObject({
      outcome: "ok",
      attempts: 2,
      credentialsRefreshed: true,
      alerts: [{ type: "markid.credentials-invalid", state: "resolved", sent: true }, { sent: false }],
    });
    expect(fixed.alerts).toMatchObject([{ type: "markid.credentials-invalid", state: "resolved" }]);

    const again = await newAlerts(() => check(container));
    expect(again.result.outcome).toBe("ok");
    expect(again.alerts).toEqual([]);
    expect(tokenCalls()).toEqual([]);
  });
});

describe("Mark ID failing transiently", () => {
  it.each([
    ["an HTML 503 page", { type: "html-5xx" as const, status: 503 }],
    ["connection resets", { type: "reset" as const }],
  ])("%s on every call raise unavailable after the retries; recovery resolves it", async (_name, fault) => {
    const container = stack().newContainer();
    stack().simulator.control.injectFault({ fault, fraction: 1 }); // every call until cleared

    const failing = await newAlerts(() => check(container));
    expect(failing.result).toMatchObject({
      outcome: "unavailable",
      attempts: stack().config.RETRY_MAX_ATTEMPTS,
      credentialsRefreshed: false,
      alerts: [{ type: "markid.unavailable", state: "firing", sent: true }],
    });
    expect(failing.result.detail).toMatch(/^attempts-exhausted after 4 attempt\(s\): Mark ID/);
    expect(failing.alerts).toMatchObject([{ type: "markid.unavailable", state: "firing" }]);

    stack().simulator.control.clearFaults();
    const recovered = await newAlerts(() => check(container));
    expect(recovered.result.outcome).toBe("ok");
    expect(recovered.alerts).toMatchObject([{ type: "markid.unavailable", state: "resolved" }]);
    expect(tokenCalls()).toEqual([]);
  });

  it("rides over one transient failure without alerting", async () => {
    stack().simulator.control.injectFault({
      fault: { type: "identifier", identifier: "INTERNAL_ERROR" },
      count: 1,
    });
    const { result, alerts } = await newAlerts(() => check(stack().newContainer()));
    expect(result).toMatchObject({ outcome: "ok", attempts: 2 });
    expect(alerts).toEqual([]);
  });

  it("gives up without calling when no time is left, and says so", async () => {
    stack().simulator.control.clearRequests();
    const summary = await check(stack().newContainer(), { remainingTimeMs: () => 500 });
    expect(summary).toMatchObject({ outcome: "unavailable", attempts: 0 });
    expect(summary.detail).toMatch(/^deadline/);
    expect(stack().simulator.control.requests()).toEqual([]);
  });
});

describe("Secrets Manager failing", () => {
  it("is reported as secrets-unavailable without calling Mark ID or alerting, when transient", async () => {
    stack().simulator.control.clearRequests();
    stack().aws.faults.inject({ service: "secretsmanager", operation: "GetSecretValue", error: "internal" });

    const { result, alerts } = await newAlerts(() => check(stack().newContainer()));

    expect(result).toMatchObject({ outcome: "secrets-unavailable", attempts: 0, alerts: [] });
    expect(result.detail).toContain("secretsmanager GetSecretValue failed");
    expect(alerts).toEqual([]);
    expect(stack().simulator.control.requests()).toEqual([]);
  });

  it("raises credentials-invalid when the secret is forbidden (an operator must act)", async () => {
    stack().aws.faults.inject({
      service: "secretsmanager",
      operation: "GetSecretValue",
      error: "access-denied",
    });
    const { result, alerts } = await newAlerts(() => check(stack().newContainer()));
    expect(result).toMatchObject({
      outcome: "secrets-unavailable",
      alerts: [{ type: "markid.credentials-invalid", state: "firing", sent: true }],
    });
    expect(alerts[0]!.summary).toContain("AccessDeniedException");
  });

  it("raises credentials-invalid when the secret is malformed, naming the field only", async () => {
    await putSecret({ apiKey: "k", apiSecret: " " });
    const { result, alerts } = await newAlerts(() => check(stack().newContainer()));
    expect(result).toMatchObject({ outcome: "secrets-unavailable" });
    expect(result.detail).toContain("apiSecret");
    expect(alerts).toMatchObject([{ type: "markid.credentials-invalid", state: "firing" }]);
  });

  it("is secrets-unavailable when the re-read after UNAUTHORIZED fails", async () => {
    const container = stack().newContainer();
    await check(container); // the pair is now cached
    stack().simulator.control.rotateCredentials("rotated-key", "rotated-secret");
    stack().aws.faults.inject({ service: "secretsmanager", operation: "GetSecretValue", error: "internal" });

    const summary = await check(container);
    expect(summary).toMatchObject({
      outcome: "secrets-unavailable",
      attempts: 1,
      credentialsRefreshed: false,
    });
    expect(summary.alerts).toEqual([]);
  });
});

describe("the probe path", () => {
  it("never reaches /api/v2/token, whatever it is given: client-error alert, nothing sent", async () => {
    stack().simulator.control.clearRequests();
    for (const probePath of ["/api/v2/token", "/API/V2/TOKEN/", "/api/v2/../v2/token"]) {
      const summary = await check(stack().newContainer(), { probePath });
      expect(summary).toMatchObject({ outcome: "probe-refused", attempts: 1 });
    }
    expect(stack().simulator.control.requests()).toEqual([]);
    expect(alertsPublished().filter((alert) => alert.type === "markid.client-error")).toHaveLength(1);
  });

  it("flags a reply that proves the pair but suggests the wrong path (404)", async () => {
    const summary = await check(stack().newContainer(), { probePath: "/api/v2/no-such-endpoint" });
    expect(summary).toMatchObject({ outcome: "ok", suspectProbePath: true });
    expect(summary.detail).toMatch(/^HTTP 404/);
  });
});
