import { err, ok, type Result } from "neverthrow";
import type { AwsError } from "./aws-errors";

/** A message attribute as SNS and SQS carry it; binary values are base64, as on the wire. */
export interface MessageAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: string;
}

/** One attribute as the request spelled it, before validation. */
export interface RawMessageAttribute {
  readonly name: string | undefined;
  readonly dataType: string | undefined;
  readonly stringValue: string | undefined;
  readonly binaryValue: string | undefined;
}

const MAX_ATTRIBUTES = 10;
const NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The rules SNS and SQS share for message attributes: at most 10; names of letters, digits,
 * `_ - .`, not reserved (`AWS.`, `Amazon.`), no leading, trailing or doubled period; a data type of
 * String, Number or Binary (optionally with a custom `.label`; SNS adds String.Array); a non-empty
 * value of the matching kind. Both services reject a message that breaks one, so must we.
 */
export function validateMessageAttributes(
  raw: readonly RawMessageAttribute[],
  options: { readonly allowStringArray: boolean; readonly toError: (message: string) => AwsError },
): Result<Record<string, MessageAttribute>, AwsError> {
  const fail = (message: string) => err(options.toError(message));
  if (raw.length > MAX_ATTRIBUTES)
    return fail(`Number of message attributes [${raw.length}] exceeds the allowed maximum [10].`);
  const out: Record<string, MessageAttribute> = {};
  for (const attribute of raw) {
    const name = attribute.name ?? "";
    if (!isValidName(name)) return fail(`Message attribute name '${name}' is invalid.`);
    if (name in out) return fail(`Message attribute name '${name}' is duplicated.`);
    const dataType = attribute.dataType ?? "";
    const base = baseType(dataType, options.allowStringArray);
    if (base === undefined)
      return fail(`The message attribute '${name}' has an invalid message attribute type '${dataType}'.`);
    if (base === "Binary") {
      if (attribute.binaryValue === undefined || attribute.binaryValue === "") {
        return fail(
          `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`,
        );
      }
      out[name] = { dataType, binaryValue: attribute.binaryValue };
      continue;
    }
    const value = attribute.stringValue;
    if (value === undefined || value === "") {
      return fail(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`,
      );
    }
    if (base === "Number" && !NUMBER.test(value)) {
      return fail(`Could not cast message attribute '${name}' value to number.`);
    }
    if (base === "String.Array" && !isJsonArray(value)) {
      return fail(`The message attribute '${name}' with type 'String.Array' has an invalid value.`);
    }
    out[name] = { dataType, stringValue: value };
  }
  return ok(out);
}

function isValidName(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    NAME.test(name) &&
    !lower.startsWith("aws.") &&
    !lower.startsWith("amazon.") &&
    !name.startsWith(".") &&
    !name.endsWith(".") &&
    !name.includes("..")
  );
}

function baseType(
  dataType: string,
  allowStringArray: boolean,
): "String" | "Number" | "Binary" | "String.Array" | undefined {
  if (dataType === "String.Array") return allowStringArray ? "String.Array" : "String";
  const match = /^(String|Number|Binary)(\.[A-Za-z0-9_.-]+)?$/.exec(dataType);
  const base = match?.[1];
  return base === "String" || base === "Number" || base === "Binary" ? base : undefined;
}

function isJsonArray(value: string): boolean {
  try {
    return Array.isArray(JSON.parse(value));
  } catch {
    return false;
  }
}
