import * as z from "zod/mini";
import { idString, isoDate, nullish, openString, scanRef } from "./common";
import { alpha2or3, monitoringId, serviceResultSchema } from "./fraud-common";

/** AML monitoring (markid-api.md §10.4; the Mark ID "AML Monitoring" page). */

export const AML_SUBJECT_TYPES = ["PERSON", "COMPANY"] as const;
/** `alert_status` values; DECLINED entries are no longer monitored. */
export const AML_ALERT_STATUSES = ["ALERT", "ACCEPTED", "DECLINED", "PENDING"] as const;

const text = () => z.optional(z.string().check(z.minLength(1)));

/** Just the monitoring entry's identifier: callback, delete, clear-whitelist, PDF report. */
export const monitoringIdRequestSchema = z.strictObject({ monitoringId: monitoringId() });

export type MonitoringIdRequest = z.input<typeof monitoringIdRequestSchema>;

/**
 * One flat schema for the three documented shapes, so a problem names the field rather than
 * "no variant matched"; the shapes themselves are in `AddAmlUserRequest`.
 */
export const addAmlUserRequestSchema = z
  .strictObject({
    /** With a scanRef the subject is a PERSON, whatever `type` says. */
    scanRef: z.optional(scanRef()),
    /** Optional: the identifier to monitor the subject under. */
    monitoringId: z.optional(monitoringId()),
    type: z.optional(z.enum(AML_SUBJECT_TYPES)),
    name: text(),
    surname: text(),
    /** The docs' example sends alpha-3 (`LTU`). */
    nationality: z.optional(alpha2or3()),
    dateOfBirth: z.optional(isoDate()),
    /** A company's country, alpha-2 or alpha-3. */
    country: z.optional(alpha2or3()),
  })
  .check(
    z.superRefine((request, context) => {
      const missing = (field: string, message: string) =>
        context.addIssue({ code: "custom", message, path: [field], input: request });
      if (request.scanRef !== undefined) return;
      switch (request.type) {
        case undefined:
          missing("type", "required without scanRef (PERSON or COMPANY)");
          return;
        case "PERSON":
          if (request.name === undefined) missing("name", "required for a PERSON");
          if (request.surname === undefined) missing("surname", "required for a PERSON");
          return;
        case "COMPANY":
          if (request.name === undefined) missing("name", "required for a COMPANY");
          if (request.country === undefined) missing("country", "required for a COMPANY");
          return;
      }
    }),
  );

interface MonitoredBy {
  /** Reuse (or choose) the monitoring identifier. */
  monitoringId?: string;
}

/** A verified person, by the verification's scanRef. */
export interface AmlUserByScanRef extends MonitoredBy {
  scanRef: string;
  type?: "PERSON" | "COMPANY";
}

export interface AmlPerson extends MonitoredBy {
  type: "PERSON";
  name: string;
  surname: string;
  nationality?: string;
  /** `YYYY-MM-DD`. */
  dateOfBirth?: string;
}

export interface AmlCompany extends MonitoredBy {
  type: "COMPANY";
  name: string;
  /** Alpha-2 or alpha-3. */
  country: string;
}

export type AddAmlUserRequest = AmlUserByScanRef | AmlPerson | AmlCompany;

export const addAmlUserResponseSchema = z.looseObject({ monitoringId: idString() });

export type AddAmlUserResponse = z.output<typeof addAmlUserResponseSchema>;

/**
 * The docs' example sends `scanRefList` as the string "[]" (a serialised list) rather than a
 * list: a list, such a string (JSON or Python-style quoting) or null all become a string array.
 */
function toScanRefList(value: string | string[] | null): string[] {
  if (value === null) return [];
  if (typeof value !== "string") return [...value];
  const inner = value.trim().replace(/^\[/, "").replace(/\]$/, "").trim();
  if (inner === "") return [];
  const quoted = [...inner.matchAll(/["']([^"']*)["']/g)].map((match) => match[1] ?? "");
  const items = quoted.length > 0 ? quoted : inner.split(",");
  return items.map((item) => item.trim()).filter((item) => item !== "");
}

/** `POST /api/v2/get-monitoring-callback`: the entry and its latest results. */
export const monitoringCallbackResponseSchema = z.looseObject({
  monitoringId: z.optional(idString()),
  name: nullish(z.string()),
  surname: nullish(z.string()),
  nationality: nullish(z.string()),
  dob: nullish(z.string()),
  isActive: nullish(z.boolean()),
  expiration: nullish(z.string()),
  scanRefList: z.optional(
    z.pipe(z.nullable(z.union([z.array(z.string()), z.string()])), z.transform(toScanRefList)),
  ),
  /** The webhook variant spells it `alertStatus`; that key, if sent, is kept as it comes. */
  alert_status: nullish(openString()),
  results: nullish(z.array(serviceResultSchema)),
});

export type MonitoringCallbackResponse = z.output<typeof monitoringCallbackResponseSchema>;

const amlUserSchema = z.looseObject({
  monitoring_id: idString(),
  created: nullish(z.string()),
  type: nullish(openString()),
  /** Name and surname in one string. */
  name: nullish(z.string()),
  date_of_birth: nullish(z.string()),
  nationality: nullish(z.string()),
  last_check_date: nullish(z.string()),
  is_active: nullish(z.boolean()),
  expiration_time: nullish(z.string()),
  alert_status: nullish(openString()),
  is_suspected: nullish(z.boolean()),
  whitelisted: nullish(z.boolean()),
});

/** `GET /api/v2/get-aml-users`. */
export const amlUsersResponseSchema = z.looseObject({ users: z.array(amlUserSchema) });

export type AmlUsersResponse = z.output<typeof amlUsersResponseSchema>;
export type AmlUser = z.output<typeof amlUserSchema>;

/**
 * The docs type `whitelist` as a list of suspicion types (SANCTION, INTERPOL, PEPS, OTHER, list
 * names…) while every example sends a map of list name to entry numbers: both are accepted.
 */
const whitelistSchema = z.union(
  [
    z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
    z.record(z.string().check(z.minLength(1)), z.array(z.string())),
  ],
  { error: "must be a non-empty list of suspicion types or a map of list name to entry numbers" },
);

/** `POST /api/v2/add-whitelist`: whitelist hits for a subject named by one of three identifiers. */
export const addWhitelistRequestSchema = z
  .strictObject({
    whitelist: whitelistSchema,
    monitoringId: z.optional(monitoringId()),
    scanRef: z.optional(scanRef()),
    name: text(),
    surname: text(),
    nationality: z.optional(alpha2or3()),
    dateOfBirth: z.optional(isoDate()),
    type: z.optional(z.enum(AML_SUBJECT_TYPES)),
  })
  .check(
    z.superRefine((request, context) => {
      if (request.monitoringId !== undefined || request.scanRef !== undefined) return;
      if (request.name === undefined) {
        context.addIssue({
          code: "custom",
          message: "one of monitoringId, scanRef or name (+ surname) is required",
          path: ["monitoringId"],
          input: request,
        });
      } else if (request.surname === undefined && request.type !== "COMPANY") {
        context.addIssue({
          code: "custom",
          message: "required with name unless type is COMPANY",
          path: ["surname"],
          input: request,
        });
      }
    }),
  );

export type AddWhitelistRequest = z.input<typeof addWhitelistRequestSchema>;
