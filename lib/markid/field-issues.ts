import type * as z from "zod/mini";
import type { FieldIssue } from "./errors";

/** How the root of a value is named in a FieldIssue (a problem with the body as a whole). */
export const ROOT_PATH = "(root)";

// zod/mini ships no locale, so its default message is this placeholder; we write our own text
// from the issue's code so every message names the rule, never the offending value.
const ZOD_MINI_DEFAULT_MESSAGE = "Invalid input";
const MAX_LISTED_OPTIONS = 8;
const MAX_KEY_LENGTH = 100;

/** Turns zod issues into FieldIssues: the path and the violated rule, never the input value. */
export function toFieldIssues(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      // One issue per unknown key, so the caller sees each field it must remove.
      return issue.keys.map((key) => ({
        path: joinPath([...issue.path, key.slice(0, MAX_KEY_LENGTH)]),
        message: "unknown field",
      }));
    }
    return [{ path: joinPath(issue.path), message: describeIssue(issue) }];
  });
}

export function joinPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? ROOT_PATH : path.map((segment) => String(segment)).join(".");
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // A schema's own message (e.g. a refinement's) is written by us and never interpolates values.
  if (issue.message !== "" && issue.message !== ZOD_MINI_DEFAULT_MESSAGE) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      return `expected ${issue.expected}`;
    case "too_big":
      return `must be ${issue.inclusive === false ? "less than" : "at most"} ${String(issue.maximum)}${unitOf(issue.origin)}`;
    case "too_small":
      return `must be ${issue.inclusive === false ? "more than" : "at least"} ${String(issue.minimum)}${unitOf(issue.origin)}`;
    case "invalid_format":
      return `invalid ${issue.format} format`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    case "invalid_value":
      return `must be one of ${listOptions(issue.values)}`;
    case "invalid_union":
      return "does not match any accepted form";
    case "invalid_key":
      return "invalid key";
    case "invalid_element":
      return "invalid element";
    case "unrecognized_keys":
      return "unknown field";
    case "custom":
      return "invalid value";
  }
}

function unitOf(origin: string): string {
  switch (origin) {
    case "string":
      return " characters";
    case "array":
    case "set":
      return " items";
    default:
      return "";
  }
}

function listOptions(values: readonly unknown[]): string {
  const shown = values.slice(0, MAX_LISTED_OPTIONS).map((value) => JSON.stringify(value) ?? String(value));
  return values.length > MAX_LISTED_OPTIONS ? `${shown.join(", ")}, …` : shown.join(", ");
}
