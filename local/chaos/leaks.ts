import type { PublishedMessage } from "../aws/index";
import { LeakScanner, type Finding, type LeakCategory } from "./leak-scan";
import { parseObject } from "./json";

/*
 * The leak scan of a run (design.md §4.3, common rules): no secret, authToken or personal data in
 * any log line, and none in a published message outside the places the contract gives them —
 * `authToken` and `redirectUrl` (which carries the authToken) of verification.session-created,
 * `data` of verification.completed, and `clientId` of the events about one session. A clientId
 * is personal data too (it names a customer of the caller): no log line and no
 * `verification.erased` may carry one.
 */

export interface LeakValues {
  /** API key and secret (every pair in use during the run), their Basic header, the signing key. */
  readonly secrets: readonly string[];
  readonly authTokens: readonly string[];
  /** Personal data: what the requests carried (clientIds too) and what the simulator put in result webhooks. */
  readonly personalData: readonly string[];
}

export interface LeakReport {
  readonly valuesWatched: Readonly<Record<LeakCategory, number>>;
  readonly linesScanned: number;
  readonly messagesScanned: number;
  /** Findings per category and place, e.g. { "personal-data in log": 3 }. */
  readonly findings: Readonly<Record<string, number>>;
  readonly total: number;
  /** Up to 10 redacted examples (category, place, value length: never the value). */
  readonly examples: readonly Finding[];
}

/** Fields the contract allows to hold the value, per event type. */
const ALLOWED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "verification.session-created": ["authToken", "redirectUrl", "clientId"],
  "verification.completed": ["data", "clientId"],
  "verification.failed": ["clientId"],
  "verification.deleted": ["clientId"],
  "markid.notification": ["clientId"],
};

/** Words of a personal value that identify it alone (the run's "qzx" markers): scanned on their own too. */
const MARKED_WORD = /qzx[a-z0-9]{3,}/gi;

export function scanForLeaks(
  values: LeakValues,
  logLines: readonly string[],
  published: readonly PublishedMessage[],
  otherLines: { readonly place: string; readonly lines: readonly string[] }[] = [],
): LeakReport {
  const everywhere = new LeakScanner();
  for (const secret of values.secrets) everywhere.add("secret", secret);
  for (const value of values.personalData) {
    everywhere.add("personal-data", value);
    for (const word of value.match(MARKED_WORD) ?? []) everywhere.add("personal-data", word);
  }
  for (const token of values.authTokens) everywhere.add("auth-token", token);

  const findings: Finding[] = [];
  for (const line of logLines) findings.push(...everywhere.scan(line, "log"));
  for (const { place, lines } of otherLines)
    for (const line of lines) findings.push(...everywhere.scan(line, place));
  for (const message of published) {
    const place = placeOf(message);
    const body = parseObject(message.message);
    const allowed = ALLOWED_FIELDS[typeof body?.["type"] === "string" ? body["type"] : ""] ?? [];
    const rest =
      body === undefined
        ? message.message
        : JSON.stringify(Object.fromEntries(Object.entries(body).filter(([key]) => !allowed.includes(key))));
    const attributes = JSON.stringify(message.messageAttributes);
    findings.push(...everywhere.scan(`${message.subject ?? ""}\n${attributes}\n${rest}`, place));
  }

  const counted: Record<string, number> = {};
  for (const finding of findings) {
    const key = `${finding.category} in ${finding.place}`;
    counted[key] = (counted[key] ?? 0) + 1;
  }
  return {
    valuesWatched: {
      secret: values.secrets.length,
      "auth-token": values.authTokens.length,
      "personal-data": values.personalData.length,
    },
    linesScanned: logLines.length + otherLines.reduce((sum, other) => sum + other.lines.length, 0),
    messagesScanned: published.length,
    findings: counted,
    total: findings.length,
    examples: findings.slice(0, 10),
  };
}

function placeOf(message: PublishedMessage): string {
  const type = message.messageAttributes["type"]?.stringValue;
  return type === undefined ? "published message" : `published ${type}`;
}

/** Keys of a result webhook's `data` (and of the token request) that hold a person's data. */
const PERSONAL_KEYS = [
  "docFirstName",
  "docLastName",
  "fullName",
  "docNumber",
  "docPersonalCode",
  "docDob",
  "address",
  "birthPlace",
  "mothersMaidenName",
  "orgFirstName",
  "orgLastName",
  "orgBirthPlace",
  "orgAddress",
  "firstName",
  "lastName",
  "dateOfBirth",
  "documentNumber",
  "personalNumber",
] as const;

/** The personal values of one record (a webhook's `data`, a token request's echo). */
export function personalValues(record: unknown): string[] {
  if (typeof record !== "object" || record === null) return [];
  const fields = record as Record<string, unknown>;
  return PERSONAL_KEYS.map((key) => fields[key]).filter(
    (value): value is string => typeof value === "string" && value.trim().length >= 4,
  );
}
