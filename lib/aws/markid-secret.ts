import * as z from "zod/mini";
import { lazily } from "../lazily";
import { err, ok, type Result } from "neverthrow";

/** The SecretString of MARKID_SECRET_ID (design.md §4.2). */
export interface MarkIdSecret {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly webhookSigningKey: string;
}

const MARKID_SECRET_FIELDS = ["apiKey", "apiSecret", "webhookSigningKey"] as const;
type MarkIdSecretField = (typeof MARKID_SECRET_FIELDS)[number];

/** The secret exists but does not hold what we need. Names the fields, never their values. */
export interface SecretMalformedError {
  readonly kind: "secret-malformed";
  readonly fields: readonly MarkIdSecretField[];
  readonly message: string;
}

// A value of only whitespace is as unusable as a missing one, and an operator pasting JSON
// by hand is the likely cause of both: report them the same way.
const nonBlank = () => z.string().check(z.regex(/\S/));

// Lazy: built when the secret is first read, not at every cold start (bench/cold-init.ts).
const secretSchema = lazily(() =>
  z.object({
    apiKey: nonBlank(),
    apiSecret: nonBlank(),
    webhookSigningKey: nonBlank(),
  }),
);

const isSecretField = (name: unknown): name is MarkIdSecretField =>
  (MARKID_SECRET_FIELDS as readonly unknown[]).includes(name);

function malformed(fields: readonly MarkIdSecretField[], why: string): SecretMalformedError {
  return { kind: "secret-malformed", fields, message: `${why}: ${fields.join(", ")}` };
}

/**
 * Parses the SecretString. Neither the JSON parser's message nor zod's issues are passed on:
 * both may quote the input, which is the secret.
 */
export function parseMarkIdSecret(
  secretString: string | undefined,
): Result<MarkIdSecret, SecretMalformedError> {
  if (secretString === undefined) {
    return err(
      malformed(
        MARKID_SECRET_FIELDS,
        "secret has no SecretString (binary secrets are not supported); expected JSON with",
      ),
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    return err(malformed(MARKID_SECRET_FIELDS, "SecretString is not JSON; expected an object with"));
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return err(malformed(MARKID_SECRET_FIELDS, "SecretString is not a JSON object; expected an object with"));
  }
  const parsed = secretSchema().safeParse(json);
  if (parsed.success) return ok(parsed.data);
  const fields = MARKID_SECRET_FIELDS.filter((name) =>
    parsed.error.issues.some((issue) => isSecretField(issue.path[0]) && issue.path[0] === name),
  );
  return err(
    malformed(fields.length > 0 ? fields : MARKID_SECRET_FIELDS, "secret is missing or has invalid fields"),
  );
}
