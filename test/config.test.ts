import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseConfig } from "../lib/config";

const minimal = {
  MARKID_SECRET_ID: "markid/dev/api",
  EVENTS_TOPIC_ARN: "arn:aws:sns:eu-west-1:000000000000:events",
  ALERTS_TOPIC_ARN: "arn:aws:sns:eu-west-1:000000000000:alerts",
  STATE_TABLE: "markid-state",
};

describe("parseConfig", () => {
  it("fills every default from the design's configuration table", () => {
    const config = parseConfig(minimal)._unsafeUnwrap();
    expect(config.MARKID_BASE_URL).toBe("https://ivs.markid.eu");
    expect(config.ALERT_WINDOW_SECONDS).toBe(3600);
    expect(config.MARKID_SIGNATURE_HEADER).toBe("Idenfy-Signature");
    expect(config.MARKID_PROBE_PATH).toBe("/api/v2/status");
    expect(config.MARKID_RATE_LIMIT_PER_HOUR).toBe(10_000);
    // The SQS batch size in serverless.yml: every record of a batch runs at once.
    expect(config.BATCH_CONCURRENCY).toBe(10);
  });

  it("names every missing variable in one error", () => {
    const error = parseConfig({ MARKID_SECRET_ID: "x" })._unsafeUnwrapErr();
    expect(error.problems).toEqual([
      "EVENTS_TOPIC_ARN is required",
      "ALERTS_TOPIC_ARN is required",
      "STATE_TABLE is required",
    ]);
  });

  it("treats an empty variable as unset", () => {
    const error = parseConfig({ ...minimal, STATE_TABLE: "" })._unsafeUnwrapErr();
    expect(error.problems).toEqual(["STATE_TABLE is required"]);
  });

  it("rejects invalid numbers and a probe path that would spend a verification credit", () => {
    const error = parseConfig({
      ...minimal,
      ALERT_WINDOW_SECONDS: "soon",
      MARKID_PROBE_PATH: "/api/v2/token",
    })._unsafeUnwrapErr();
    expect(error.problems.map((p) => p.split(" ")[0])).toEqual(["ALERT_WINDOW_SECONDS", "MARKID_PROBE_PATH"]);
  });

  it("never echoes a variable's value in its error", () => {
    const error = parseConfig({ ...minimal, MARKID_BASE_URL: "not-a-url-s3cr3t" })._unsafeUnwrapErr();
    expect(error.message).toContain("MARKID_BASE_URL");
    expect(error.message).not.toContain("s3cr3t");
  });

  it("never throws, whatever the environment holds", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.option(fc.string(), { nil: undefined })), (env) => {
        const result = parseConfig({ ...env });
        expect(result.isOk() || result.error.problems.length > 0).toBe(true);
      }),
    );
  });
});
