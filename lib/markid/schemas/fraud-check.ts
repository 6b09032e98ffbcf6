import * as z from "zod/mini";
import { alpha2, isoDate, scanRef } from "./common";
import { alpha3, serviceResultSchema } from "./fraud-common";

export const FRAUD_CHECK_MODES = ["IDENTIFICATION", "DATA"] as const;
/** `LID` covers Lithuanian documents only. */
export const FRAUD_CHECK_SERVICES = ["AML", "COMPANY", "LID"] as const;
export type FraudCheckService = (typeof FRAUD_CHECK_SERVICES)[number];

const text = () => z.optional(z.string().check(z.minLength(1)));

/**
 * The one `data` entry (§10.3 and the Mark ID AML page): person keys for AML, `companyName` for
 * COMPANY, `type`/`number`/`country` for LID, `scanRef` in IDENTIFICATION mode.
 */
const fraudCheckEntrySchema = z.strictObject({
  scanRef: z.optional(scanRef()),
  name: text(),
  surname: text(),
  /** Peps & sanctions name check; default true. */
  nameCheck: z.optional(z.boolean()),
  /** Adverse media; default false. */
  negativeNews: z.optional(z.boolean()),
  /** How similar a found name must be; default 95. */
  probability: z.optional(z.int().check(z.gte(1), z.lte(100))),
  dateOfBirth: z.optional(isoDate()),
  nationality: z.optional(alpha3()),
  /** Required for LID in DATA mode (a LID service belongs to one country); COMPANY's residence. */
  country: z.optional(alpha2()),
  companyName: text(),
  /** LID: the document's type, e.g. PASSPORT. */
  type: text(),
  /** LID: the document's number. */
  number: text(),
});

export type FraudCheckEntry = z.input<typeof fraudCheckEntrySchema>;

const DATA_MODE_REQUIREMENTS: Readonly<
  Record<FraudCheckService, { field: keyof FraudCheckEntry; rule: string }>
> = {
  AML: { field: "name", rule: "required for AML in DATA mode" },
  COMPANY: { field: "companyName", rule: "required for COMPANY in DATA mode" },
  LID: { field: "country", rule: "required for LID in DATA mode" },
};

/** `POST /fraud/check`. Mark ID answers 400 unless `data` holds exactly one entry: refused here. */
export const fraudCheckRequestSchema = z
  .strictObject({
    mode: z.enum(FRAUD_CHECK_MODES),
    services: z.array(z.enum(FRAUD_CHECK_SERVICES)).check(z.minLength(1)),
    data: z.array(fraudCheckEntrySchema).check(z.length(1, "must hold exactly one entry")),
  })
  .check(
    z.superRefine((request, context) => {
      const entry = request.data[0];
      if (entry === undefined) return;
      const missing = (field: string, message: string) =>
        context.addIssue({ code: "custom", message, path: ["data", 0, field], input: entry });
      if (request.mode === "IDENTIFICATION") {
        if (entry.scanRef === undefined) missing("scanRef", "required in IDENTIFICATION mode");
        return;
      }
      for (const service of new Set(request.services)) {
        const { field, rule } = DATA_MODE_REQUIREMENTS[service];
        if (entry[field] === undefined) missing(field, rule);
      }
    }),
  );

/** The request as callers write it: `data` is a one-element tuple, so a second entry is a type error. */
export type FraudCheckRequest = Omit<z.input<typeof fraudCheckRequestSchema>, "data"> & {
  data: [FraudCheckEntry];
};

const RESULT_GROUPS = ["AML", "LID", "COMPANY"] as const;

/**
 * The reply's group keys are upper-case in Mark ID's examples and lower-case in its table (open
 * question 9): either is read and exposed upper-case, a null group counts as absent, and a reply
 * carrying both spellings has its lists joined. A group may appear unrequested (a COMPANY check
 * with negativeNews answers under `AML`).
 */
function normaliseGroupKeys(reply: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(reply)) {
    const group = RESULT_GROUPS.find((name) => name === key.toUpperCase());
    if (group === undefined) {
      result[key] = value;
      continue;
    }
    if (value === null) continue;
    const earlier = result[group];
    result[group] =
      Array.isArray(earlier) && Array.isArray(value)
        ? [...(earlier as unknown[]), ...(value as unknown[])]
        : value;
  }
  return result;
}

export const fraudCheckResponseSchema = z.pipe(
  z.pipe(z.record(z.string(), z.unknown()), z.transform(normaliseGroupKeys)),
  z.looseObject({
    AML: z.optional(z.array(serviceResultSchema)),
    LID: z.optional(z.array(serviceResultSchema)),
    COMPANY: z.optional(z.array(serviceResultSchema)),
  }),
);

export type FraudCheckResponse = z.output<typeof fraudCheckResponseSchema>;
