import { randomInt } from "node:crypto";

/**
 * The simulator's screening "databases": a handful of fixed subjects that produce hits, everything
 * else is clean. The subjects are the ones iDenfy documents for raising alerts on its development
 * environment (person Manfred Weber, adverse media Cliff Hazard, company GoPayments), plus the LID
 * document number from Mark ID's example. Hit details are invented and marked SIMULATED.
 */

export const WATCHED_PERSON = "MANFRED WEBER";
export const ADVERSE_MEDIA_PERSON = "CLIFF HAZARD";
export const WATCHED_COMPANY = "GOPAYMENTS";
export const INVALID_LID_DOCUMENT = "74587539";

/** Default `probability` filter of a name check (§10.3). */
export const DEFAULT_PROBABILITY = 95;

export interface NameHit {
  readonly name: string;
  readonly surname: string;
  readonly nationality: string;
  readonly dob: string;
  readonly suspicion: "PEPS" | "SANCTION" | "INTERPOL" | "OTHER";
  readonly reason: string;
  readonly listNumber: string;
  readonly listName: string;
  readonly score: number;
  readonly lastUpdate: string;
  readonly isPerson: boolean;
  readonly isActive: boolean;
}

// Two hits of different scores, so the probability filter has something to cut.
const PERSON_HITS: readonly NameHit[] = [
  {
    name: "MANFRED",
    surname: "WEBER",
    nationality: "UNKNOWN",
    dob: "UNKNOWN",
    suspicion: "PEPS",
    reason: "SIMULATED PEP ENTRY",
    listNumber: "SIM-PEP-0001",
    listName: "PEPS",
    score: 97,
    lastUpdate: "2024-01-15",
    isPerson: true,
    isActive: true,
  },
  {
    name: "MANFRED",
    surname: "WEBBER",
    nationality: "UNKNOWN",
    dob: "UNKNOWN",
    suspicion: "SANCTION",
    reason: "SIMULATED SANCTIONS ENTRY",
    listNumber: "SIM-SAN-0002",
    listName: "SIM_SANCTIONS",
    score: 88,
    lastUpdate: "2023-06-30",
    isPerson: true,
    isActive: true,
  },
];

const COMPANY_HIT: NameHit = {
  name: "GOPAYMENTS LIMITED",
  surname: "",
  nationality: "UNKNOWN",
  dob: "UNKNOWN",
  suspicion: "SANCTION",
  reason: "SIMULATED SANCTIONS PROGRAM",
  listNumber: "SIM-SAN-0100",
  listName: "SIM_SANCTIONS",
  score: 100,
  lastUpdate: "2024-03-01",
  isPerson: false,
  isActive: true,
};

/** Upper-case, single-spaced: how subjects are compared. */
export function normaliseName(...parts: readonly (string | null | undefined)[]): string {
  return parts
    .filter((part): part is string => typeof part === "string")
    .join(" ")
    .trim()
    .replace(/\s+/g, " ")
    .toUpperCase();
}

export function personHits(fullName: string, probability = DEFAULT_PROBABILITY): NameHit[] {
  return fullName === WATCHED_PERSON ? PERSON_HITS.filter((hit) => hit.score >= probability) : [];
}

export function companyHits(companyName: string): NameHit[] {
  return normaliseName(companyName) === WATCHED_COMPANY ? [COMPANY_HIT] : [];
}

export function adverseMediaArticles(subject: string, now: number): Record<string, unknown>[] {
  if (subject !== ADVERSE_MEDIA_PERSON && subject !== WATCHED_COMPANY) return [];
  const slug = subject.toLowerCase().replace(/\s+/g, "-");
  return [
    {
      title: `SIMULATED ARTICLE ABOUT ${subject}`,
      url: `https://news.example/${slug}`,
      text: `A simulated adverse media article mentioning ${subject}.`,
      type: "NEGATIVE",
      checkDate: checkDate(now),
    },
  ];
}

/**
 * A whitelist as add-whitelist takes it: a list of suspicion types / list names, or a map of list
 * name (or suspicion type) to the list numbers it covers.
 */
export type Whitelist = readonly string[] | Readonly<Record<string, readonly string[]>>;

// Array.isArray narrows a readonly union to any[]; this guard keeps the element type.
function isList(whitelist: Whitelist): whitelist is readonly string[] {
  return Array.isArray(whitelist);
}

export function isWhitelisted(hit: NameHit, whitelist: Whitelist | null): boolean {
  if (whitelist === null) return false;
  const names = new Set([hit.suspicion.toUpperCase(), hit.listName.toUpperCase()]);
  if (isList(whitelist)) return whitelist.some((entry) => names.has(entry.toUpperCase()));
  return Object.entries(whitelist).some(
    ([list, numbers]) => names.has(list.toUpperCase()) && numbers.includes(hit.listNumber),
  );
}

/** Joins two whitelists of the same form; a different form replaces the earlier one. */
export function mergeWhitelists(earlier: Whitelist | null, added: Whitelist): Whitelist {
  if (earlier === null) return added;
  if (isList(earlier) || isList(added)) {
    return isList(earlier) && isList(added) ? [...new Set([...earlier, ...added])] : added;
  }
  const merged: Record<string, readonly string[]> = { ...earlier };
  for (const [list, numbers] of Object.entries(added)) {
    merged[list] = [...new Set([...(merged[list] ?? []), ...numbers])];
  }
  return merged;
}

/** "YYYY-MM-DD HH:MM:SS" in UTC, the docs' checkDate format. */
export function checkDate(now: number): string {
  return new Date(now).toISOString().slice(0, 19).replace("T", " ");
}

export function isoDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

const UID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** 25 characters like the docs' examples; unique only within one request, as documented. */
export function requestUid(): string {
  return Array.from({ length: 25 }, () => UID_ALPHABET[randomInt(UID_ALPHABET.length)]).join("");
}

export type ServiceGroup = "AML" | "LID" | "COMPANY";

export interface ServiceOutcome {
  readonly serviceName: string;
  readonly group: ServiceGroup;
  readonly uid: string;
  readonly data: readonly Record<string, unknown>[];
  /** Whether the data holds a hit that counts (not whitelisted). */
  readonly suspected: boolean;
  /** No such service for the subject's country (LID outside Lithuania). */
  readonly serviceFound?: boolean;
  /** The check could not run (e.g. no data for the verification). */
  readonly errorMessage?: string;
}

/** One entry of an `AML`/`LID`/`COMPANY` list (§7.9). */
export function serviceResult(outcome: ServiceOutcome): Record<string, unknown> {
  const found = outcome.serviceFound ?? true;
  const failed = outcome.errorMessage !== undefined;
  const overallStatus = !found
    ? "SERVICE_NOT_FOUND"
    : failed
      ? "DATA_ERROR"
      : outcome.suspected
        ? "SUSPECTED"
        : "NOT_SUSPECTED";
  return {
    status: {
      serviceSuspected: outcome.suspected,
      serviceUsed: found,
      serviceFound: found,
      checkSuccessful: found && !failed,
      overallStatus,
    },
    serviceName: outcome.serviceName,
    serviceGroupType: outcome.group,
    uid: outcome.uid,
    errorMessage: outcome.errorMessage ?? null,
    data: outcome.data,
  };
}

/** A name hit as it appears in a result's `data`, with its check date and whitelist flag. */
export function hitData(hit: NameHit, now: number, whitelisted?: boolean): Record<string, unknown> {
  return { ...hit, checkDate: checkDate(now), ...(whitelisted === undefined ? {} : { whitelisted }) };
}
