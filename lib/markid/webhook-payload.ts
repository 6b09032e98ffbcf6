import { Result, err, ok } from "neverthrow";
import * as z from "zod/mini";
import { lazily } from "../lazily";
import type { FieldIssue } from "./errors";
import { ROOT_PATH, toFieldIssues } from "./field-issues";

/**
 * The verification-result webhook (markid-api.md §7), parsed leniently: only what the flow
 * cannot do without is required — `scanRef`, `clientId`, `status.overall`. `final` may be absent
 * (older platforms sent one callback per verification, §7.2): it is then final. Every other
 * known field is read if it has the expected type and otherwise becomes null / [] instead of
 * refusing the delivery; unknown fields pass through untouched. Real payloads carry surprises
 * ("docExpiry": "YYYY-MM-DD", "docSex": "UNDEFINED"), and refusing one makes Mark ID resend it
 * forever.
 */

/** A string, or null when absent or of another type. `""` → null for the "empty if not reviewed" fields. */
const text = (emptyIsNull = false) =>
  z.transform((value: unknown): string | null =>
    typeof value === "string" && !(emptyIsNull && value === "") ? value : null,
  );

/** The string elements of a list; [] when absent or not a list. */
const tags = () =>
  z.transform((value: unknown): string[] =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [],
  );

const finiteNumber = () =>
  z.transform((value: unknown): number | null =>
    typeof value === "number" && Number.isFinite(value) ? value : null,
  );

/** A JSON object kept as received (personal data: for subscribers, never for logs). */
const objectOrNull = () =>
  z.transform((value: unknown): Record<string, unknown> | null =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null,
  );

const required = () => z.string().check(z.minLength(1));

// Both schemas lazy: built on the first delivery, not at every cold start (bench/cold-init.ts).
export const verificationStatusSchema = lazily(() =>
  z.looseObject({
    overall: required(),
    fraudTags: tags(),
    mismatchTags: tags(),
    suspicionReasons: tags(),
    autoDocument: text(true),
    autoFace: text(true),
    manualDocument: text(true),
    manualFace: text(true),
    additionalSteps: text(true),
  }),
);

export const verificationResultSchema = lazily(() =>
  z.looseObject({
    scanRef: required(),
    // The 2021 iDenfy docs typed clientId as int in places: accept a number, keep a string.
    clientId: z.pipe(
      z.union([required(), z.number()]),
      z.transform((value) => String(value)),
    ),
    // Absent on older platforms, which sent one callback per verification (design.md §4.1).
    final: z.pipe(
      z.optional(z.boolean()),
      z.transform((value) => value ?? true),
    ),
    status: verificationStatusSchema(),
    externalRef: text(),
    platform: text(),
    startTime: finiteNumber(),
    finishTime: finiteNumber(),
    data: objectOrNull(),
    fileUrls: objectOrNull(),
  }),
);

export type VerificationStatus = z.output<ReturnType<typeof verificationStatusSchema>>;
export type VerificationResult = z.output<ReturnType<typeof verificationResultSchema>>;

export type WebhookPayloadError =
  /** Not UTF-8 or not JSON: the webhook answers 400. */
  | { readonly kind: "malformed-body"; readonly message: string }
  /** JSON, but a required field is missing or of the wrong type. */
  | { readonly kind: "invalid-payload"; readonly issues: readonly FieldIssue[] };

export function parseVerificationResult(json: unknown): Result<VerificationResult, WebhookPayloadError> {
  // safeParse reports data problems as issues; the wrapper covers an input that throws when read
  // (a getter), since this is called with whatever a handler hands over.
  return Result.fromThrowable(
    () => verificationResultSchema().safeParse(json),
    (): WebhookPayloadError => ({
      kind: "invalid-payload",
      issues: [{ path: ROOT_PATH, message: "could not be read" }],
    }),
  )().andThen((parsed): Result<VerificationResult, WebhookPayloadError> =>
    parsed.success
      ? ok(parsed.data)
      : err({ kind: "invalid-payload", issues: toFieldIssues(parsed.error.issues) }),
  );
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Parses the raw webhook body (the bytes the signature was checked on). */
export function parseWebhookBody(raw: string | Uint8Array): Result<VerificationResult, WebhookPayloadError> {
  return readJsonObject(raw).andThen(parseVerificationResult);
}

/** The raw body as a JSON object: what every kind of webhook (result or notification) is. */
export function readJsonObject(
  raw: string | Uint8Array,
): Result<Readonly<Record<string, unknown>>, WebhookPayloadError> {
  return Result.fromThrowable(
    (): unknown => JSON.parse(typeof raw === "string" ? raw : strictUtf8.decode(raw)),
    // Fixed text: JSON.parse's message quotes the body, which holds personal data.
    (): WebhookPayloadError => ({ kind: "malformed-body", message: "body is not valid UTF-8 JSON" }),
  )().andThen((json): Result<Readonly<Record<string, unknown>>, WebhookPayloadError> =>
    typeof json === "object" && json !== null && !Array.isArray(json)
      ? ok(json as Readonly<Record<string, unknown>>)
      : err({ kind: "invalid-payload", issues: [{ path: ROOT_PATH, message: "expected object" }] }),
  );
}
