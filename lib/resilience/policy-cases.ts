import { TOKEN_LIMIT_MESSAGE, type MarkIdError, type MarkIdErrorKind } from "../markid/errors";
import { KNOWN_IDENTIFIERS, type KnownIdentifier } from "../markid/identifiers";
import { decide, STATUS_CLASSES, type PolicyDecision, type StatusClass } from "./policy";

/**
 * Every outcome the policy distinguishes, each with a representative error, so the generated
 * table (scripts/policy-table.ts) and the tests run the real `decide` over the whole space instead
 * of restating it. Coverage is by construction: identifiers and status classes are iterated from
 * their source lists, and the per-kind examples are a Record over the error kinds.
 */
export interface PolicyCase {
  readonly group: "identifier" | "http-status" | "error-kind";
  /** The outcome as the table shows it (markdown). */
  readonly outcome: string;
  readonly example: MarkIdError;
  /** Why, where the decision is ours rather than design.md's. */
  readonly note?: string;
}

export interface PolicyRow extends PolicyCase {
  readonly decision: PolicyDecision;
}

interface Variant {
  readonly label: string;
  readonly message?: string;
  readonly note?: string;
}

// Identifiers whose decision depends on the message or on the flow get one row per variant.
const IDENTIFIER_VARIANTS: Partial<Record<KnownIdentifier, readonly Variant[]>> = {
  PERMISSIONS_ERROR: [
    { label: `"${TOKEN_LIMIT_MESSAGE}"`, message: TOKEN_LIMIT_MESSAGE },
    { label: "any other message" },
  ],
  TOKEN_NOT_VALID: [
    { label: "", note: "no flow holds a token of its own: a refused token came with the caller's data" },
  ],
  PARTNER_ERROR: [
    {
      label: "",
      note: 'only seen as "Token has not expired yet." (delete): the request is refused in the current state',
    },
  ],
};

function identifierCases(): PolicyCase[] {
  return KNOWN_IDENTIFIERS.flatMap((identifier) =>
    (IDENTIFIER_VARIANTS[identifier] ?? [{ label: "" }]).map((variant) => ({
      group: "identifier" as const,
      outcome: variant.label === "" ? `\`${identifier}\`` : `\`${identifier}\` — ${variant.label}`,
      example: {
        kind: "api" as const,
        identifier,
        status: 400,
        message: variant.message ?? "example",
      },
      ...(variant.note === undefined ? {} : { note: variant.note }),
    })),
  );
}

interface StatusExample {
  readonly status: number;
  readonly label: string;
  readonly note?: string;
}

const STATUS_EXAMPLES: Readonly<Record<StatusClass, StatusExample>> = {
  "401": { status: 401, label: "HTTP 401" },
  "402": { status: 402, label: "HTTP 402", note: "iDenfy: lack of funds or exceeded limit" },
  "403": { status: 403, label: "HTTP 403" },
  "404": {
    status: 404,
    label: "HTTP 404",
    note: "we only call documented endpoints: a wrong base URL or path",
  },
  "408": { status: 408, label: "HTTP 408", note: "the server gave up before processing the request" },
  "429": { status: 429, label: "HTTP 429" },
  "5xx": { status: 503, label: "HTTP 5xx (e.g. a gateway's HTML page)" },
  "other-4xx": {
    status: 409,
    label: "other HTTP 4xx (400 without identifier, 405, 409, 413…)",
    note: "a request we built wrongly or an API we misread",
  },
  other: { status: 302, label: "any other status (1xx, 2xx error path, 3xx)", note: "base URL or API drift" },
};

function statusCases(): PolicyCase[] {
  return STATUS_CLASSES.map((statusClass) => {
    const { status, label, note } = STATUS_EXAMPLES[statusClass];
    return {
      group: "http-status" as const,
      outcome: `${label}, no identifier`,
      example: { kind: "http" as const, status, bodyExcerpt: "" },
      ...(note === undefined ? {} : { note }),
    };
  });
}

type OtherKind = Exclude<MarkIdErrorKind, "api" | "http">;

const KIND_EXAMPLES: Readonly<
  Record<
    OtherKind,
    readonly { readonly outcome: string; readonly example: MarkIdError; readonly note?: string }[]
  >
> = {
  "unknown-identifier": [
    {
      outcome: "unknown identifier (kept verbatim)",
      example: { kind: "unknown-identifier", identifier: "SOMETHING_NEW", status: 400, message: "example" },
    },
  ],
  network: [
    {
      outcome: "network error, request not sent (refused, DNS)",
      example: { kind: "network", message: "example", maybeSent: false },
    },
    {
      outcome: "network error after sending (reset)",
      example: { kind: "network", message: "example", maybeSent: true },
      note: "an unknown outcome for a credit-spending call (below)",
    },
  ],
  timeout: [
    {
      outcome: "timeout",
      example: { kind: "timeout", timeoutMs: 10_000 },
      note: "an unknown outcome for a credit-spending call (below)",
    },
  ],
  "schema-mismatch": [
    {
      outcome: "reply does not match its schema",
      example: { kind: "schema-mismatch", endpoint: "/api/v2/token", issues: [] },
    },
  ],
  "invalid-request": [
    {
      outcome: "request rejected client-side",
      example: { kind: "invalid-request", endpoint: "/api/v2/token", issues: [] },
    },
  ],
  "credentials-unavailable": [
    {
      outcome: "credentials unavailable (Secrets Manager failing, malformed secret)",
      example: { kind: "credentials-unavailable", message: "example" },
      note: "the AWS SDK already retried; the scheduled credential check alerts on a lasting failure",
    },
  ],
};

function kindCases(): PolicyCase[] {
  return (Object.keys(KIND_EXAMPLES) as OtherKind[]).flatMap((kind) =>
    KIND_EXAMPLES[kind].map((entry) => ({ group: "error-kind" as const, ...entry })),
  );
}

export const POLICY_CASES: readonly PolicyCase[] = [...identifierCases(), ...statusCases(), ...kindCases()];

/** Every case with the decision `decide` makes for it. */
export function policyRows(): PolicyRow[] {
  return POLICY_CASES.map((policyCase) => ({
    ...policyCase,
    decision: decide(policyCase.example),
  }));
}
