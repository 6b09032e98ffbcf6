import { describe, expect, it, vi } from "vitest";
import { ConfigurationError, loadConfig } from "../../lib/config";
import { count } from "../../lib/observability/metrics";
import { logger } from "../../lib/observability/logger";
import { RETURN_MARGIN_MS } from "../../lib/observability/invocation-cutoff";
import { lambdaHandler } from "../../lib/runtime/handler-frame";
import { lambdaContext } from "../support/lambda-context";
import { jsonLines, useOutputCapture } from "../support/output-capture";

// Set before the metrics singleton is built at import: Powertools counts a cold start only when
// Lambda says the container was initialised on demand.
vi.hoisted(() => {
  process.env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
});

const output = useOutputCapture();
const lines = () => jsonLines(output());
const metricNames = () =>
  lines().flatMap((line) => {
    const aws = line["_aws"] as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } | undefined;
    return aws === undefined ? [] : aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => x.Name));
  });

describe("lambdaHandler", () => {
  it("counts one ColdStart for the container and builds its container once", async () => {
    const build = vi.fn(() => ({ built: true }));
    const handler = lambdaHandler({
      name: "frame-test",
      container: build,
      correlationId: () => undefined,
      run: (_event: unknown, container) => Promise.resolve(container.built),
    });
    expect(await handler({}, lambdaContext())).toBe(true);
    expect(await handler({}, lambdaContext())).toBe(true);
    expect(build).toHaveBeenCalledTimes(1);
    expect(metricNames().filter((name) => name === "ColdStart")).toHaveLength(1);
  });

  it("names every bad variable in the log and in the invocation's error, never a value", async () => {
    const handler = lambdaHandler({
      name: "frame-config",
      container: () => loadConfig({ MARKID_BASE_URL: "not-a-url-s3cr3t", STATE_TABLE: "t" }),
      correlationId: () => undefined,
      run: () => Promise.resolve("unreachable"),
    });
    const failure = handler({}, lambdaContext());
    await expect(failure).rejects.toBeInstanceOf(ConfigurationError);
    await expect(failure).rejects.toThrow(/MARKID_BASE_URL must be a URL/);
    await expect(failure).rejects.toThrow(/MARKID_SECRET_ID is required/);
    const logged = lines().find((line) => line["message"] === "frame-config: invalid configuration");
    expect(logged?.["problems"]).toEqual(
      expect.arrayContaining(["MARKID_SECRET_ID is required", "MARKID_BASE_URL must be a URL"]),
    );
    expect(output()).not.toContain("s3cr3t");
  });

  it("puts the correlation id on the invocation's lines and clears appended keys afterwards", async () => {
    const handler = lambdaHandler({
      name: "frame-keys",
      container: () => ({}),
      correlationId: (event: { readonly id: string }) => event.id,
      run: () => {
        logger.appendKeys({ leaked: "yes" });
        logger.info("inside frame-keys");
        return Promise.resolve(undefined);
      },
    });
    await handler({ id: "corr-1" }, lambdaContext());
    logger.info("after frame-keys");
    const inside = lines().find((line) => line["message"] === "inside frame-keys");
    const after = lines().find((line) => line["message"] === "after frame-keys");
    expect(inside).toMatchObject({ correlation_id: "corr-1", leaked: "yes" });
    expect(after).not.toHaveProperty("leaked");
  });

  it("answers with replyAtCutoff when run overruns the deadline", async () => {
    const handler = lambdaHandler({
      name: "frame-cutoff",
      container: () => ({}),
      correlationId: () => undefined,
      run: () => new Promise<string>(() => undefined),
      replyAtCutoff: () => "early",
    });
    const started = Date.now();
    expect(await handler({}, lambdaContext(RETURN_MARGIN_MS + 50))).toBe("early");
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("re-throws an exception as a plain error, logging its name and frames but not its message", async () => {
    const handler = lambdaHandler({
      name: "frame-bug",
      container: () => ({}),
      correlationId: () => undefined,
      run: () => Promise.reject(new SyntaxError('Unexpected token in {"clientId":"person-1"}')),
    });
    await expect(handler({}, lambdaContext())).rejects.toThrow(
      "frame-bug failed unexpectedly (details in the function's log)",
    );
    const logged = lines().find((line) => line["message"] === "frame-bug failed unexpectedly");
    expect(logged).toMatchObject({ errorName: "SyntaxError" });
    expect(output()).not.toContain("person-1");
  });

  it("flushes the metrics a run added, and writes no empty metrics blob when it added none", async () => {
    const run = (add: boolean) => () => {
      if (add) count("WebhookAccepted");
      return Promise.resolve(undefined);
    };
    const before = metricNames().length;
    await lambdaHandler({
      name: "quiet",
      container: () => ({}),
      correlationId: () => undefined,
      run: run(false),
    })({}, lambdaContext());
    const quiet = metricNames().length;
    await lambdaHandler({
      name: "loud",
      container: () => ({}),
      correlationId: () => undefined,
      run: run(true),
    })({}, lambdaContext());
    // The quiet handler's cold start was already counted by the first test of this file.
    expect(quiet).toBe(before);
    expect(metricNames().slice(quiet)).toEqual(["WebhookAccepted"]);
  });
});
