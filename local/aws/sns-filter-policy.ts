import type { MessageAttribute } from "./message-attributes";

/** Attribute name → the values it may take. */
export type FilterPolicy = Readonly<Record<string, readonly (string | number)[]>>;

/**
 * The subset of SNS filter policies the local SNS applies: exact matches of string or number
 * values on message attributes (`{"type": ["verification.completed"]}`), which is how the
 * project's consumers filter. Anything richer (prefix, anything-but, numeric ranges) returns
 * undefined so Subscribe refuses it instead of delivering what AWS would filter out.
 */
export function parseFilterPolicy(json: string): FilterPolicy | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const policy: Record<string, (string | number)[]> = {};
  for (const [name, values] of Object.entries(parsed)) {
    if (!Array.isArray(values) || values.length === 0) return undefined;
    if (!values.every((v): v is string | number => typeof v === "string" || typeof v === "number"))
      return undefined;
    policy[name] = values;
  }
  return policy;
}

/** Every key must match; a key matches when the attribute's value is one of its values. */
export function matchesFilterPolicy(
  policy: FilterPolicy,
  attributes: Readonly<Record<string, MessageAttribute>>,
): boolean {
  return Object.entries(policy).every(([name, allowed]) => {
    const attribute = attributes[name];
    if (attribute?.stringValue === undefined) return false;
    const value = attribute.stringValue;
    if (attribute.dataType.startsWith("Number"))
      return allowed.some((v) => typeof v === "number" && v === Number(value));
    if (attribute.dataType === "String.Array")
      return arrayValues(value).some((item) => allowed.includes(item));
    return allowed.some((v) => typeof v === "string" && v === value);
  });
}

function arrayValues(value: string): (string | number)[] {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed)
      ? parsed.filter((v): v is string | number => typeof v === "string" || typeof v === "number")
      : [];
  } catch {
    return [];
  }
}
