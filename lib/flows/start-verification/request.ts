import { createHash } from "node:crypto";
import { err, ok, Result } from "neverthrow";
import * as z from "zod/mini";
import { lazily } from "../../lazily";
// The modules themselves, not the ../markid/index barrel: the barrel's fraud and AML endpoints
// build their zod schemas at load, which esbuild cannot drop, so every handler bundle carried
// and initialised them (bench/cold-init.ts).
import { tokenEndpoint } from "../../markid/endpoints";
import type { FieldIssue } from "../../markid/errors";
import { ROOT_PATH, toFieldIssues } from "../../markid/field-issues";
import type { TokenRequest } from "../../markid/schemas/token";

/*
 * The SQS body of a verification request (design.md §4.3): JSON
 * `{ "requestId": string, "clientId": string, ...optional token fields of markid-api.md §3.1 }`.
 *
 * The token fields are checked here with POST /api/v2/token's own request schema (the endpoint
 * declaration the client validates with), so a request that could never be sent is refused before
 * anything is claimed or spent, and every invalid field is named at once. Never throws: JSON.parse
 * and the schemas run behind Result.
 */

export const MAX_REQUEST_ID_LENGTH = 128;
/** A clientId longer than this is not echoed in the failure event (it is invalid anyway). */
const MAX_ECHOED_CLIENT_ID_LENGTH = 256;

export interface VerificationRequest {
  /** The idempotency key: one Mark ID token per requestId. */
  readonly requestId: string;
  readonly clientId: string;
  /** The body without `requestId`, valid for POST /api/v2/token. */
  readonly token: TokenRequest;
  /**
   * What the requestId stands for: a hash of the body without it, keys in order. A message that
   * reuses the requestId with another body (another person) is told apart by it (design.md §4.3).
   */
  readonly fingerprint: string;
}

export interface InvalidVerificationRequest {
  readonly kind: "invalid-verification-request";
  /** One per invalid field (paths and rules, never values). */
  readonly issues: readonly FieldIssue[];
  /** Echoed when readable, so the failure event can be correlated. */
  readonly requestId?: string;
  readonly clientId?: string;
}

// Built on the first message, not at load (bench/cold-init.ts).
const envelopeSchema = lazily(() =>
  z.object({
    requestId: z
      .string()
      .check(z.minLength(1), z.maxLength(MAX_REQUEST_ID_LENGTH), z.regex(/\S/, "must not be blank")),
    clientId: z.string(),
  }),
);

const parseJson = Result.fromThrowable(
  (text: string): unknown => JSON.parse(text),
  // JSON.parse's message quotes the input, which may hold personal data: not kept.
  (): readonly FieldIssue[] => [{ path: ROOT_PATH, message: "is not JSON" }],
);

export function parseVerificationRequest(
  body: string,
): Result<VerificationRequest, InvalidVerificationRequest> {
  return parseJson(body)
    .mapErr((issues) => invalid(issues, undefined))
    .andThen((json) => {
      if (!isJsonObject(json)) {
        return err(invalid([{ path: ROOT_PATH, message: "must be a JSON object" }], undefined));
      }
      const envelope = z.safeParse(envelopeSchema(), json);
      const { requestId: _requestId, ...tokenFields } = json;
      // Typed as a TokenRequest only because encodeRequest takes one: it validates it as unknown
      // input with the endpoint's strict schema, and it is used as one only if that passes.
      const candidate = tokenFields as TokenRequest;
      const tokenIssues = tokenEndpoint.encodeRequest(candidate).match(
        (): readonly FieldIssue[] => [],
        (issues) => issues,
      );
      const issues = uniqueByPath([
        ...(envelope.success ? [] : toFieldIssues(envelope.error.issues)),
        ...tokenIssues,
      ]);
      if (!envelope.success || issues.length > 0) return err(invalid(issues, json));
      return ok({
        requestId: envelope.data.requestId,
        clientId: envelope.data.clientId,
        token: candidate,
        fingerprint: fingerprintOf(tokenFields),
      });
    });
}

function invalid(
  issues: readonly FieldIssue[],
  json: Readonly<Record<string, unknown>> | undefined,
): InvalidVerificationRequest {
  const requestId = json?.["requestId"];
  const clientId = json?.["clientId"];
  return {
    kind: "invalid-verification-request",
    issues,
    ...(typeof requestId === "string" && requestId.trim() !== "" && requestId.length <= MAX_REQUEST_ID_LENGTH
      ? { requestId }
      : {}),
    ...(typeof clientId === "string" && clientId.length > 0 && clientId.length <= MAX_ECHOED_CLIENT_ID_LENGTH
      ? { clientId }
      : {}),
  };
}

function isJsonObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The envelope and the token schema both report a missing clientId: name it once. */
function uniqueByPath(issues: readonly FieldIssue[]): readonly FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => !seen.has(issue.path) && seen.add(issue.path));
}

/** SHA-256 of the body's canonical JSON (object keys sorted at every level), hex. */
function fingerprintOf(body: Readonly<Record<string, unknown>>): string {
  return createHash("sha256").update(JSON.stringify(body, sortedKeys)).digest("hex");
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (!isJsonObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, value[key]]),
  );
}
