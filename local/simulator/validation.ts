import * as z from "zod";
import { badValue, missingValue } from "./api-errors";
import type { Reply } from "./reply";

/**
 * Request validation with zod (full zod: local code, bundle size is irrelevant). The first issue
 * becomes Mark ID's error: MISSING_VALUE when the field is absent or null, BAD_VALUE otherwise.
 */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reply: Reply };

export function parseRequest<T>(schema: z.ZodType<T>, body: unknown): Parsed<T> {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, reply: issueReply(result.error.issues, body) };
}

function issueReply(issues: readonly z.core.$ZodIssue[], body: unknown): Reply {
  const issue = issues[0];
  if (issue === undefined) return badValue("body", "invalid request");
  const field = issue.path.map(String).join(".") || "body";
  const value = valueAt(body, issue.path);
  // Judged by the value, not the issue code: zod reports a missing enum as invalid_value.
  if (value === undefined || value === null) return missingValue(field);
  return badValue(field, issue.message);
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = body;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

// Building blocks shared by endpoint schemas.

export const alpha2 = z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code (e.g. LT)");

/**
 * A token's country or nationality: the vendor's own examples send lower case (`"lt"`), and
 * iDenfy upper-cases what it gets (markid-api.md §3.1), so either case is accepted and the
 * upper-case code kept.
 */
export const anyCaseAlpha2 = z
  .string()
  .regex(/^[A-Za-z]{2}$/, "must be an ISO 3166-1 alpha-2 code (e.g. LT)")
  .transform((code) => code.toUpperCase());

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine(isCalendarDate, "is not a calendar date");

function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

export const jsonObject = z.record(z.string(), z.unknown());

export const scanRefField = z.string().min(1).max(40);
