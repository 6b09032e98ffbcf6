import { err, ok, type Result } from "neverthrow";
import * as z from "zod/mini";
import type { FieldIssue } from "../errors";
import { ROOT_PATH, toFieldIssues } from "../field-issues";
import {
  TOKEN_FIELD_GROUPS,
  TOKEN_GROUP_SHAPES,
  type IdenfySettingsFields,
  type MarkIdSettingsFields,
  type PersonalFields,
  type SessionFields,
  type StepsFields,
  type TokenFieldGroup,
} from "./token-request-fields";

/** The body of POST /api/v2/token: every field markid-api.md §3.1 and §3.2 documents. */
export type TokenRequest = SessionFields &
  PersonalFields &
  StepsFields &
  MarkIdSettingsFields &
  IdenfySettingsFields;

// Groups in the order their issues are reported: the order of the documentation's tables.
const GROUP_ORDER = Object.keys(TOKEN_FIELD_GROUPS) as TokenFieldGroup[];

/** Field name → its group: plain strings, so telling a known field from a typo builds no schema. */
const GROUP_OF: ReadonlyMap<string, TokenFieldGroup> = new Map(
  GROUP_ORDER.flatMap((group) => TOKEN_FIELD_GROUPS[group].map((field) => [field, group] as const)),
);

const MAX_KEY_LENGTH = 100;

const builtGroups = new Map<TokenFieldGroup, z.ZodMiniObject>();

/** A group's schema, built on first use and kept for the container's life. */
function groupSchema(group: TokenFieldGroup): z.ZodMiniObject {
  let schema = builtGroups.get(group);
  if (schema === undefined) {
    schema = z.object(TOKEN_GROUP_SHAPES[group]());
    builtGroups.set(group, schema);
  }
  return schema;
}

/** The groups built so far in this container (what the laziness test and a curious reader check). */
export function builtTokenFieldGroups(): readonly TokenFieldGroup[] {
  return [...builtGroups.keys()];
}

/**
 * Checks a token request against the documented fields. A field outside them is refused by name
 * (a misspelt optional field would otherwise vanish without a trace); every problem is reported at
 * once, by path and rule, never by value. Only the groups the request uses are built and run; the
 * session group always is, since it holds the required clientId. May throw only on input that
 * throws when read (a getter): the endpoint's encoder runs it behind Result.
 */
export function checkTokenRequest(input: unknown): Result<TokenRequest, readonly FieldIssue[]> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return err([{ path: ROOT_PATH, message: "expected object" }]);
  }
  const fieldsByGroup = new Map<TokenFieldGroup, Record<string, unknown>>([["session", {}]]);
  const unknownFields: FieldIssue[] = [];
  for (const [field, value] of Object.entries(input)) {
    const group = GROUP_OF.get(field);
    if (group === undefined) {
      unknownFields.push({ path: field.slice(0, MAX_KEY_LENGTH), message: "unknown field" });
      continue;
    }
    const fields = fieldsByGroup.get(group) ?? {};
    fields[field] = value;
    fieldsByGroup.set(group, fields);
  }

  const issues: FieldIssue[] = [];
  const request: Record<string, unknown> = {};
  for (const group of GROUP_ORDER) {
    const fields = fieldsByGroup.get(group);
    if (fields === undefined) continue;
    const parsed = z.safeParse(groupSchema(group), fields);
    if (parsed.success) Object.assign(request, parsed.data);
    else issues.push(...toFieldIssues(parsed.error.issues));
  }
  issues.push(...crossFieldIssues(input as Readonly<Record<string, unknown>>), ...unknownFields);
  return issues.length > 0 ? err(firstPerField(issues)) : ok(request as TokenRequest);
}

/** One issue per field (a too-short URL breaks two rules): the caller fixes fields, not rules. */
function firstPerField(issues: readonly FieldIssue[]): readonly FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => !seen.has(issue.path) && seen.add(issue.path));
}

/** §3.1: utilityBill and additionalSteps exclude each other; additionalData needs additionalSteps. */
function crossFieldIssues(input: Readonly<Record<string, unknown>>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const steps = isPresent(input["additionalSteps"]);
  if (input["utilityBill"] === true && steps) {
    issues.push({ path: "additionalSteps", message: "cannot be combined with utilityBill" });
  }
  if (isPresent(input["additionalData"]) && !steps) {
    issues.push({ path: "additionalData", message: "requires additionalSteps" });
  }
  return issues;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}
