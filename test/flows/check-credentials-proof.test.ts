import { describe, expect, it } from "vitest";
import { credentialCheckAlerts, type CredentialCheckOutcome } from "../../lib/flows/check-credentials-alerts";
import { describeProof, proofFromError } from "../../lib/flows/check-credentials-proof";
import type { MarkIdError } from "../../lib/markid/errors";
import { KNOWN_IDENTIFIERS } from "../../lib/markid/identifiers";

const api = (identifier: (typeof KNOWN_IDENTIFIERS)[number], status = 400): MarkIdError => ({
  kind: "api",
  identifier,
  status,
  message: "m",
});
const http = (status: number): MarkIdError => ({ kind: "http", status, bodyExcerpt: "" });

describe("proofFromError: any reply but UNAUTHORIZED / 401 proves the key pair", () => {
  it("BAD_VALUE for the unknown scanRef is the usual success", () => {
    expect(proofFromError(api("BAD_VALUE"))).toEqual({
      status: 400,
      identifier: "BAD_VALUE",
      suspectProbePath: false,
    });
    expect(describeProof(proofFromError(api("BAD_VALUE"))!)).toBe("HTTP 400 BAD_VALUE");
  });

  it("UNAUTHORIZED in either shape proves nothing", () => {
    expect(proofFromError(api("UNAUTHORIZED"))).toBeNull();
    expect(proofFromError(http(401))).toBeNull();
  });

  it("transient failures prove nothing: they may not have reached authentication", () => {
    for (const error of [
      api("INTERNAL_ERROR", 500),
      api("TOO_MANY_REQUESTS", 429),
      http(502),
      http(429),
      http(408),
      { kind: "network", message: "reset", maybeSent: true },
      { kind: "timeout", timeoutMs: 10 },
    ] satisfies MarkIdError[]) {
      expect(proofFromError(error), JSON.stringify(error)).toBeNull();
    }
  });

  it("no request sent proves nothing", () => {
    expect(proofFromError({ kind: "invalid-request", endpoint: "/api/v2/token", issues: [] })).toBeNull();
    expect(proofFromError({ kind: "credentials-unavailable", message: "down" })).toBeNull();
  });

  it("every other identifier is a reply past authentication", () => {
    const proving = KNOWN_IDENTIFIERS.filter(
      (identifier) => !["UNAUTHORIZED", "INTERNAL_ERROR", "TOO_MANY_REQUESTS"].includes(identifier),
    );
    for (const identifier of proving) expect(proofFromError(api(identifier)), identifier).not.toBeNull();
    expect(
      proofFromError({ kind: "unknown-identifier", identifier: "NEW_ONE", status: 400, message: "" }),
    ).not.toBeNull();
  });

  it("flags replies that suggest a wrong probe path", () => {
    expect(proofFromError(http(404))).toMatchObject({ suspectProbePath: true });
    expect(proofFromError(api("METHOD_NOT_ALLOWED", 405))).toMatchObject({ suspectProbePath: true });
    expect(proofFromError(api("PERMISSIONS_ERROR", 403))).toMatchObject({ suspectProbePath: false });
  });
});

describe("credentialCheckAlerts", () => {
  const facts = {
    probePath: "/api/v2/status",
    detail: "HTTP 400 BAD_VALUE",
    secretPermanentlyUnusable: false,
  };
  const plan = (outcome: CredentialCheckOutcome, permanent = false) =>
    credentialCheckAlerts(outcome, { ...facts, secretPermanentlyUnusable: permanent }).map(
      (step) => `${step.action} ${step.type}`,
    );

  it("maps each outcome to the alerts the check owns", () => {
    expect(plan("ok")).toEqual(["clear markid.credentials-invalid", "clear markid.unavailable"]);
    expect(plan("credentials-invalid")).toEqual([
      "raise markid.credentials-invalid",
      "clear markid.unavailable",
    ]);
    expect(plan("unavailable")).toEqual(["raise markid.unavailable"]);
    expect(plan("secrets-unavailable")).toEqual([]);
    expect(plan("secrets-unavailable", true)).toEqual(["raise markid.credentials-invalid"]);
    expect(plan("probe-refused")).toEqual(["raise markid.client-error"]);
  });

  it("writes one-line summaries naming the probe", () => {
    for (const step of credentialCheckAlerts("credentials-invalid", facts)) {
      expect(step.summary).not.toContain("\n");
      expect(step.summary).toContain("/api/v2/status");
    }
  });
});
