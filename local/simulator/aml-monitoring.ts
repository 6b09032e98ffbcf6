import { randomInt } from "node:crypto";
import * as z from "zod";
import { badValue, missingValue } from "./api-errors";
import type { SimulatorCore } from "./core";
import { contractRefusal } from "./fraud-contract";
import { fraudState, type MonitoringEntry } from "./fraud-state";
import {
  companyHits,
  hitData,
  isoDay,
  isWhitelisted,
  mergeWhitelists,
  normaliseName,
  personHits,
  requestUid,
  serviceResult,
  checkDate,
  type NameHit,
} from "./fraud-watchlist";
import { emptyReply, jsonReply, textReply, type Reply } from "./reply";
import type { Route, RouteContext, RouteTable } from "./route";
import type { Verification } from "./state";
import { isoDate, parseRequest, scanRefField } from "./validation";

// AML monitoring (markid-api.md §10.4 and Mark ID's "AML Monitoring" page).

/** Monitoring runs for one year after creation. */
const MONITORING_PERIOD_MS = 365 * 24 * 3600 * 1000;
const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

const countryCode = z.string().regex(/^[A-Z]{2,3}$/, "must be an ISO 3166-1 alpha-2 or alpha-3 code");
const text = z.string().min(1).optional();
const monitoringIdField = z.string().min(1).max(100);

const addUserRequest = z.object({
  scanRef: scanRefField.optional(),
  monitoringId: monitoringIdField.optional(),
  type: z.enum(["PERSON", "COMPANY"]).optional(),
  name: text,
  surname: text,
  nationality: countryCode.optional(),
  dateOfBirth: isoDate.optional(),
  country: countryCode.optional(),
});

type Subject = Pick<MonitoringEntry, "type" | "name" | "surname" | "nationality" | "dateOfBirth" | "country">;

function addAmlUser(context: RouteContext): Reply {
  const parsed = parseRequest(addUserRequest, context.body);
  if (!parsed.ok) return parsed.reply;
  const request = parsed.value;

  let subject: Subject;
  if (request.scanRef !== undefined) {
    const verification = context.core.state.get(request.scanRef);
    if (verification === undefined) return badValue("scanRef", "no verification with this scanRef");
    const person = verifiedPerson(verification);
    if (person === undefined) return badValue("scanRef", "the verification holds no personal data yet");
    subject = person;
  } else {
    if (request.type === undefined) return missingValue("type");
    const required =
      request.type === "PERSON" ? (["name", "surname"] as const) : (["name", "country"] as const);
    const absent = required.find((field) => request[field] === undefined);
    if (absent !== undefined) return missingValue(absent);
    subject = {
      type: request.type,
      name: request.name ?? "",
      surname: request.type === "PERSON" ? (request.surname ?? null) : null,
      nationality: request.type === "PERSON" ? (request.nationality ?? null) : null,
      dateOfBirth: request.type === "PERSON" ? (request.dateOfBirth ?? null) : null,
      country: request.type === "COMPANY" ? (request.country ?? null) : null,
    };
  }

  const { monitoring } = fraudState(context.core);
  // The same subject is monitored once: a second scanRef joins the existing entry (documented).
  const existing =
    (request.monitoringId === undefined ? undefined : monitoring.get(request.monitoringId)) ??
    [...monitoring.values()].find((entry) => sameSubject(entry, subject));
  const entry = existing ?? newEntry(context, subject, request.monitoringId ?? newMonitoringId(context.core));
  if (request.scanRef !== undefined && !entry.scanRefs.includes(request.scanRef))
    entry.scanRefs.push(request.scanRef);
  monitoring.set(entry.monitoringId, entry);
  return jsonReply(200, { monitoringId: entry.monitoringId });
}

function verifiedPerson(verification: Verification): Subject | undefined {
  const data = verification.data ?? {};
  const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
  const name = text(data["docFirstName"]) ?? text(verification.token["firstName"]);
  const surname = text(data["docLastName"]) ?? text(verification.token["lastName"]);
  if (name === null || surname === null) return undefined;
  return {
    type: "PERSON",
    name,
    surname,
    nationality: text(data["docNationality"]),
    dateOfBirth: text(data["docDob"]),
    country: null,
  };
}

function sameSubject(entry: MonitoringEntry, subject: Subject): boolean {
  return (
    entry.type === subject.type &&
    normaliseName(entry.name, entry.surname) === normaliseName(subject.name, subject.surname) &&
    entry.dateOfBirth === subject.dateOfBirth &&
    entry.nationality === subject.nationality &&
    entry.country === subject.country
  );
}

function newEntry(context: RouteContext, subject: Subject, monitoringId: string): MonitoringEntry {
  return {
    ...subject,
    monitoringId,
    scanRefs: [],
    createdAt: context.now,
    expiresAt: context.now + MONITORING_PERIOD_MS,
    lastCheckAt: context.now,
    whitelist: null,
  };
}

/** Ten upper-case letters and digits, like the docs' `MX81K2Q9ZD`. */
function newMonitoringId(core: SimulatorCore): string {
  const { monitoring } = fraudState(core);
  for (;;) {
    const id = Array.from({ length: 10 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join("");
    if (!monitoring.has(id)) return id;
  }
}

function hitsOf(entry: MonitoringEntry): NameHit[] {
  return entry.type === "COMPANY"
    ? companyHits(entry.name)
    : personHits(normaliseName(entry.name, entry.surname));
}

function isSuspected(entry: MonitoringEntry): boolean {
  return hitsOf(entry).some((hit) => !isWhitelisted(hit, entry.whitelist));
}

/**
 * Derived, not stored: a hit that is not whitelisted raises an ALERT; once every hit is
 * whitelisted (or there is none) the entry is ACCEPTED.
 */
function alertStatus(entry: MonitoringEntry): "ALERT" | "ACCEPTED" {
  return isSuspected(entry) ? "ALERT" : "ACCEPTED";
}

const monitoringIdRequest = z.object({ monitoringId: monitoringIdField });

/** The entry a `{ monitoringId }` body names, or MISSING_VALUE / BAD_VALUE. */
function findEntry(context: RouteContext): MonitoringEntry | Reply {
  const parsed = parseRequest(monitoringIdRequest, context.body);
  if (!parsed.ok) return parsed.reply;
  return (
    fraudState(context.core).monitoring.get(parsed.value.monitoringId) ??
    badValue("monitoringId", "no monitoring entry with this monitoringId")
  );
}

function isEntry(value: MonitoringEntry | Reply): value is MonitoringEntry {
  return "monitoringId" in value;
}

/**
 * Python-style list text, as the docs' example shows (`"scanRefList": "[]"`): the platform
 * serialises the list into a string, and the client is tested against that.
 */
function pythonListText(items: readonly string[]): string {
  return `[${items.map((item) => `'${item}'`).join(", ")}]`;
}

function monitoringCallback(context: RouteContext): Reply {
  const entry = findEntry(context);
  if (!isEntry(entry)) return entry;
  const data = hitsOf(entry).map((hit) =>
    hitData(hit, entry.lastCheckAt, isWhitelisted(hit, entry.whitelist)),
  );
  const suspected = isSuspected(entry);
  const result = serviceResult({
    serviceName: "PilotApiAmlV2NameCheck",
    group: "AML",
    uid: requestUid(),
    data,
    suspected,
  });
  return jsonReply(200, {
    monitoringId: entry.monitoringId,
    name: entry.name,
    surname: entry.surname ?? "",
    nationality: entry.nationality ?? entry.country ?? "",
    dob: entry.dateOfBirth,
    isActive: context.now < entry.expiresAt,
    expiration: isoDay(entry.expiresAt),
    scanRefList: pythonListText(entry.scanRefs),
    alert_status: alertStatus(entry),
    results: [result],
  });
}

function amlUsers(context: RouteContext): Reply {
  const users = [...fraudState(context.core).monitoring.values()].map((entry) => ({
    created: checkDate(entry.createdAt),
    monitoring_id: entry.monitoringId,
    type: entry.type,
    name: normaliseName(entry.name, entry.surname),
    date_of_birth: entry.dateOfBirth,
    nationality: entry.nationality ?? entry.country,
    last_check_date: isoDay(entry.lastCheckAt),
    is_active: context.now < entry.expiresAt,
    expiration_time: isoDay(entry.expiresAt),
    alert_status: alertStatus(entry),
    is_suspected: isSuspected(entry),
    whitelisted: entry.whitelist !== null,
  }));
  return jsonReply(200, { users });
}

function deleteMonitoringUser(context: RouteContext): Reply {
  const entry = findEntry(context);
  if (!isEntry(entry)) return entry;
  fraudState(context.core).monitoring.delete(entry.monitoringId);
  return emptyReply(200);
}

const whitelistField = z.union(
  [z.array(z.string().min(1)).min(1), z.record(z.string().min(1), z.array(z.string()))],
  { error: "must be a list of suspicion types or a map of list name to entry numbers" },
);

const addWhitelistRequest = z.object({
  whitelist: whitelistField,
  monitoringId: monitoringIdField.optional(),
  scanRef: scanRefField.optional(),
  name: text,
  surname: text,
  nationality: countryCode.optional(),
  dateOfBirth: isoDate.optional(),
  type: z.enum(["PERSON", "COMPANY"]).optional(),
});

function addWhitelist(context: RouteContext): Reply {
  const parsed = parseRequest(addWhitelistRequest, context.body);
  if (!parsed.ok) return parsed.reply;
  const request = parsed.value;
  const entries = [...fraudState(context.core).monitoring.values()];
  let entry: MonitoringEntry | undefined;
  let field: string;
  if (request.monitoringId !== undefined) {
    field = "monitoringId";
    entry = fraudState(context.core).monitoring.get(request.monitoringId);
  } else if (request.scanRef !== undefined) {
    field = "scanRef";
    const { scanRef } = request;
    entry = entries.find((candidate) => candidate.scanRefs.includes(scanRef));
  } else if (request.name !== undefined) {
    field = "name";
    const wanted = normaliseName(request.name, request.surname);
    // Whatever else was given narrows the match; a company's country stands in for nationality.
    const fits = (given: string | undefined, ...values: (string | null)[]) =>
      given === undefined || values.includes(given);
    entry = entries.find(
      (candidate) =>
        normaliseName(candidate.name, candidate.surname) === wanted &&
        fits(request.type, candidate.type) &&
        fits(request.nationality, candidate.nationality, candidate.country) &&
        fits(request.dateOfBirth, candidate.dateOfBirth),
    );
  } else {
    return missingValue("monitoringId");
  }
  if (entry === undefined) return badValue(field, "no monitoring entry matches");
  entry.whitelist = mergeWhitelists(entry.whitelist, request.whitelist);
  return emptyReply(200);
}

function clearUserWhitelist(context: RouteContext): Reply {
  const entry = findEntry(context);
  if (!isEntry(entry)) return entry;
  entry.whitelist = null;
  return emptyReply(200);
}

/**
 * A small but well-formed PDF (one page, the entry's identifier and status, no personal data),
 * answered as bare base64 text: Mark ID only says the report comes "in Base64 format".
 */
function generatePdf(context: RouteContext): Reply {
  const entry = findEntry(context);
  if (!isEntry(entry)) return entry;
  const lines = [
    "Mark ID simulator - AML monitoring report",
    `Monitoring ID: ${entry.monitoringId}`,
    `Type: ${entry.type}`,
    `Alert status: ${alertStatus(entry)}`,
    `Generated: ${checkDate(context.now)} UTC`,
  ];
  return textReply(200, Buffer.from(minimalPdf(lines), "latin1").toString("base64"));
}

function minimalPdf(lines: readonly string[]): string {
  const escape = (line: string) => line.replace(/[\\()]/g, (char) => `\\${char}`);
  const stream = [
    "BT",
    "/F1 12 Tf",
    "72 760 Td",
    "14 TL",
    ...lines.map((line) => `(${escape(line)}) '`),
    "ET",
  ].join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(pdf.length);
    pdf += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("");
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return pdf;
}

/** Every monitoring endpoint needs AML in the contract. */
function amlRoute(method: Route["method"], handle: (context: RouteContext) => Reply): Route {
  return {
    method,
    auth: true,
    handle: (context) => contractRefusal(context.core, "aml") ?? handle(context),
  };
}

// The trailing slashes on delete and clear are as documented; without them the path is unknown.
export const amlMonitoringRoutes: RouteTable = {
  "/api/v2/add-aml-user": amlRoute("POST", addAmlUser),
  "/api/v2/get-monitoring-callback": amlRoute("POST", monitoringCallback),
  "/api/v2/get-aml-users": amlRoute("GET", amlUsers),
  "/api/v2/delete-monitoring-user/": amlRoute("POST", deleteMonitoringUser),
  "/api/v2/add-whitelist": amlRoute("POST", addWhitelist),
  "/api/v2/clear-user-whitelist/": amlRoute("POST", clearUserWhitelist),
  "/api/v2/generate-pdf-aml": amlRoute("POST", generatePdf),
};
