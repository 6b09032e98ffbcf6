import { describe, expect, it } from "vitest";
import type { PublishedMessage } from "../../local/aws/index";
import { personalValues, scanForLeaks, type LeakValues } from "../../local/chaos/leaks";

/*
 * The chaos run's leak scan finds what it is meant to find: a zero in docs/reliability.md means
 * nothing was there, not that the scanner could not see it.
 */

const values: LeakValues = {
  secrets: ["api-secret-Zq81", "signing-key-7731"],
  authTokens: ["tok_9f2c41e0b7a6"],
  personalData: ["Qzxfirstbcd", "QZXDOC1234", "Qzxstreetbcd 1234, Qzxtown"],
};

const message = (type: string, body: Record<string, unknown>, subject?: string): PublishedMessage => ({
  messageId: "m",
  topicArn: "arn:t",
  ...(subject === undefined ? {} : { subject }),
  message: JSON.stringify({ type, ...body }),
  messageAttributes: { type: { dataType: "String", stringValue: type } },
  timestamp: "2026-01-01T00:00:00.000Z",
});

describe("scanForLeaks", () => {
  it("finds a secret, an authToken and personal data in log lines, whatever the case", () => {
    const report = scanForLeaks(
      values,
      [
        '{"level":"INFO","message":"ok","requestId":"r1"}',
        '{"level":"WARN","message":"call failed","detail":"Basic API-SECRET-ZQ81"}',
        '{"message":"session","token":"tok_9f2c41e0b7a6"}',
        '{"message":"rejected","name":"QZXFIRSTBCD"}',
      ],
      [],
    );
    expect(report.findings).toEqual({
      "secret in log": 1,
      "auth-token in log": 1,
      "personal-data in log": 1,
    });
    expect(report.total).toBe(3);
    // The report never quotes what it found.
    expect(JSON.stringify(report)).not.toContain("Zq81");
  });

  it("allows a value only in the field the contract gives it", () => {
    const report = scanForLeaks(
      values,
      [],
      [
        message("verification.session-created", {
          authToken: "tok_9f2c41e0b7a6",
          redirectUrl: "https://x/api/v2/redirect?authToken=tok_9f2c41e0b7a6",
        }),
        message("verification.completed", { data: { docNumber: "QZXDOC1234" } }),
        message("verification.failed", { reason: "invalid-request", fields: ["QZXDOC1234"] }),
        message("markid.client-error", { summary: "x" }, "leaked signing-key-7731 in a subject"),
      ],
    );
    expect(report.findings).toEqual({
      "personal-data in published verification.failed": 1,
      "secret in published markid.client-error": 1,
    });
  });

  it("allows a clientId in the events about one session, never in a log line or a verification.erased", () => {
    const report = scanForLeaks(
      { ...values, personalData: [...values.personalData, "customer-77-c"] },
      ['{"level":"INFO","message":"erasure: complete","client":"customer-77-c"}'],
      [
        message("verification.session-created", { clientId: "customer-77-c" }),
        message("verification.completed", { clientId: "customer-77-c", data: {} }),
        message("verification.failed", { clientId: "customer-77-c", reason: "rejected-by-markid" }),
        message("verification.erased", { status: "complete", sessions: [], note: "customer-77-c" }),
      ],
    );
    expect(report.findings).toEqual({
      "personal-data in log": 1,
      "personal-data in published verification.erased": 1,
    });
  });

  it("finds a marked word of a personal value on its own (part of an address)", () => {
    const report = scanForLeaks(values, ['{"message":"x","town":"qzxtown"}'], []);
    expect(report.findings).toEqual({ "personal-data in log": 1 });
  });
});

describe("personalValues", () => {
  it("reads the personal fields of a webhook's data, ignoring short and non-string values", () => {
    expect(
      personalValues({
        docFirstName: "ONA",
        docLastName: "Onaityte",
        docDob: "1990-01-02",
        docNumber: 42,
        x: "y",
      }),
    ).toEqual(["Onaityte", "1990-01-02"]);
    expect(personalValues(null)).toEqual([]);
  });
});
