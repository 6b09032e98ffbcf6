import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TOKEN_LIMIT_MESSAGE, type MarkIdError } from "../../lib/markid/errors";
import { KNOWN_IDENTIFIERS, type KnownIdentifier } from "../../lib/markid/identifiers";
import {
  DECISIONS,
  decide,
  failedFields,
  statusClassOf,
  STATUS_CLASSES,
  type PolicyAction,
  type PolicyDecision,
} from "../../lib/resilience/policy";
import { POLICY_CASES, policyRows } from "../../lib/resilience/policy-cases";

const api = (identifier: KnownIdentifier, message = "whatever", status = 400): MarkIdError => ({
  kind: "api",
  identifier,
  status,
  message,
});
const http = (status: number): MarkIdError => ({ kind: "http", status, bodyExcerpt: "<html>" });

// Restated from design.md §3 on purpose: the test is the second opinion on the policy module.
// A Record, so a new identifier fails this file's type check too until the test decides.
const EXPECTED_ACTION: Record<KnownIdentifier, PolicyAction> = {
  INTERNAL_ERROR: "retry",
  TOO_MANY_REQUESTS: "retry",
  UNAUTHORIZED: "refresh-credentials",
  PERMISSIONS_ERROR: "permission-denied",
  PARTNER_CONTRACT_ERROR: "permission-denied",
  BAD_VALUE: "reject-request",
  MISSING_VALUE: "reject-request",
  VALIDATION_ERROR: "reject-request",
  PARTNER_ERROR: "reject-request",
  JSON_ERROR: "client-error",
  ENCODING_ERROR: "client-error",
  METHOD_NOT_ALLOWED: "client-error",
  TOKEN_NOT_VALID: "reject-request",
};

const ACTION_SHAPE: Record<PolicyAction, Omit<PolicyDecision, "action" | "backoff">> = {
  retry: { alert: null, disposition: "give-back" },
  "refresh-credentials": { alert: "markid.credentials-invalid", disposition: "give-back" },
  "token-limit": { alert: "markid.token-limit-reached", disposition: "give-back" },
  "permission-denied": { alert: "markid.permission-denied", disposition: "give-back" },
  "reject-request": { alert: null, disposition: "acknowledge-with-failure-event" },
  "client-error": { alert: "markid.client-error", disposition: "give-back" },
  "credentials-unavailable": { alert: null, disposition: "give-back" },
};

describe("decide: every known identifier", () => {
  it.each(KNOWN_IDENTIFIERS)("%s", (identifier) => {
    const decision = decide(api(identifier));
    expect(decision.action).toBe(EXPECTED_ACTION[identifier]);
    expect(decision).toMatchObject(ACTION_SHAPE[decision.action]);
  });

  it("uses the longer rate-limited backoff for TOO_MANY_REQUESTS and the standard one for INTERNAL_ERROR", () => {
    expect(decide(api("TOO_MANY_REQUESTS")).backoff).toBe("rate-limited");
    expect(decide(api("INTERNAL_ERROR")).backoff).toBe("standard");
  });

  it("recognises the token limit among PERMISSIONS_ERRORs (message trimmed)", () => {
    expect(decide(api("PERMISSIONS_ERROR", TOKEN_LIMIT_MESSAGE))).toEqual(DECISIONS.tokenLimit);
    expect(decide(api("PERMISSIONS_ERROR", ` ${TOKEN_LIMIT_MESSAGE}\n`))).toEqual(DECISIONS.tokenLimit);
    expect(decide(api("PERMISSIONS_ERROR", "Dummy status is not allowed outside DEV"))).toEqual(
      DECISIONS.permissionDenied,
    );
  });

  it("lets the identifier win over the HTTP status", () => {
    expect(decide(api("BAD_VALUE", "x", 503)).action).toBe("reject-request");
    expect(decide(api("UNAUTHORIZED", "x", 401)).action).toBe("refresh-credentials");
    expect(decide(api("TOO_MANY_REQUESTS", "x", 429)).backoff).toBe("rate-limited");
  });
});

describe("decide: HTTP statuses without an identifier", () => {
  it.each([
    [401, "refresh-credentials"],
    [402, "token-limit"],
    [403, "permission-denied"],
    [404, "client-error"],
    [408, "retry"],
    [429, "retry"],
    [500, "retry"],
    [502, "retry"],
    [503, "retry"],
    [599, "retry"],
    [400, "client-error"],
    [405, "client-error"],
    [409, "client-error"],
    [413, "client-error"],
    [302, "client-error"],
    [200, "client-error"],
  ] as const)("%i → %s", (status, action) => {
    const decision = decide(http(status));
    expect(decision.action).toBe(action);
    expect(decision).toMatchObject(ACTION_SHAPE[action]);
  });

  it("backs off longer for 429 than for 5xx", () => {
    expect(decide(http(429)).backoff).toBe("rate-limited");
    expect(decide(http(503)).backoff).toBe("standard");
  });

  it("classifies every status into one of the declared classes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 999 }), (status) => {
        expect(STATUS_CLASSES).toContain(statusClassOf(status));
      }),
    );
  });
});

describe("decide: other error kinds", () => {
  it.each<[string, MarkIdError, PolicyAction]>([
    ["network, not sent", { kind: "network", message: "ECONNREFUSED", maybeSent: false }, "retry"],
    ["network, maybe sent", { kind: "network", message: "ECONNRESET", maybeSent: true }, "retry"],
    ["timeout", { kind: "timeout", timeoutMs: 10_000 }, "retry"],
    ["schema mismatch", { kind: "schema-mismatch", endpoint: "/api/v2/token", issues: [] }, "client-error"],
    [
      "unknown identifier",
      { kind: "unknown-identifier", identifier: "NEW_ONE", status: 400, message: "m" },
      "client-error",
    ],
    ["invalid request", { kind: "invalid-request", endpoint: "/api/v2/token", issues: [] }, "reject-request"],
    [
      "credentials unavailable",
      { kind: "credentials-unavailable", message: "AccessDenied" },
      "credentials-unavailable",
    ],
  ])("%s", (_label, error, action) => {
    const decision = decide(error);
    expect(decision.action).toBe(action);
    expect(decision).toMatchObject(ACTION_SHAPE[action]);
  });

  it("treats an error from outside the type system as a client error rather than throwing", () => {
    expect(decide({ kind: "martian" } as unknown as MarkIdError).action).toBe("client-error");
  });
});

describe("decision invariants", () => {
  const allDecisions = Object.values(DECISIONS) as PolicyDecision[];

  it("gives a backoff class exactly to the decisions retried with backoff", () => {
    for (const decision of allDecisions) {
      expect(decision.backoff !== null).toBe(decision.action === "retry");
    }
  });

  it("never retries what it acknowledges with a failure event, and alerts on every permanent give-back", () => {
    const permanent = new Set<PolicyAction>(["permission-denied", "client-error", "token-limit"]);
    for (const decision of allDecisions) {
      if (decision.disposition === "acknowledge-with-failure-event") expect(decision.backoff).toBeNull();
      if (permanent.has(decision.action)) {
        expect(decision.disposition).toBe("give-back");
        expect(decision.alert).not.toBeNull();
      }
    }
  });
});

describe("policy cases", () => {
  it("cover every known identifier, every status class and every error kind", () => {
    const identifiers = new Set(
      POLICY_CASES.flatMap((c) => (c.example.kind === "api" ? [c.example.identifier] : [])),
    );
    expect([...identifiers].sort()).toEqual([...KNOWN_IDENTIFIERS].sort());
    const classes = new Set(
      POLICY_CASES.flatMap((c) => (c.example.kind === "http" ? [statusClassOf(c.example.status)] : [])),
    );
    expect([...classes].sort()).toEqual([...STATUS_CLASSES].sort());
    const kinds = new Set(POLICY_CASES.map((c) => c.example.kind));
    expect([...kinds].sort()).toEqual(
      [
        "api",
        "credentials-unavailable",
        "http",
        "invalid-request",
        "network",
        "schema-mismatch",
        "timeout",
        "unknown-identifier",
      ].sort(),
    );
  });

  it("show every action somewhere", () => {
    const actions = new Set(policyRows().map((row) => row.decision.action));
    expect([...actions].sort()).toEqual(Object.keys(ACTION_SHAPE).sort());
  });
});

describe("failedFields", () => {
  it("names the paths of a client-side rejection, never the values", () => {
    const error: MarkIdError = {
      kind: "invalid-request",
      endpoint: "/api/v2/token",
      issues: [
        { path: "firstName", message: "too long" },
        { path: "documents.2", message: "unknown document type" },
      ],
    };
    expect(failedFields(error)).toEqual(["firstName", "documents.2"]);
  });

  it("names nothing for Mark ID's free-text messages", () => {
    expect(failedFields(api("MISSING_VALUE", "clientId is missing"))).toEqual([]);
  });
});
