import * as z from "zod/mini";
import { idString, nullish, stringList } from "./common";

/*
 * `POST /api/v2/data` and `/files` replies, apart from the status reply (verification.ts): a module's
 * top-level schemas are built whenever a bundle carries it, and the reconciler, which only asks
 * for the status, would otherwise build these ~30 fields at every cold init (bench/cold-init.ts).
 */

const text = () => nullish(z.string());

/**
 * `POST /api/v2/data`: the webhook's `data` object (§7.7) plus scanRef and clientId. Every field
 * may be null; placeholders such as "YYYY-MM-DD" are real-world values and are kept.
 */
export const dataResponseSchema = z.looseObject({
  scanRef: z.optional(z.string()),
  clientId: z.optional(idString()),
  docFirstName: text(),
  docLastName: text(),
  docNumber: text(),
  docPersonalCode: text(),
  docExpiry: text(),
  docDob: text(),
  docDateOfIssue: text(),
  docType: text(),
  docSex: text(),
  docNationality: text(),
  docIssuingCountry: text(),
  birthPlace: text(),
  authority: text(),
  address: text(),
  mothersMaidenName: text(),
  driverLicenseCategory: text(),
  manuallyDataChanged: nullish(z.boolean()),
  fullName: text(),
  selectedCountry: text(),
  orgFirstName: text(),
  orgLastName: text(),
  orgNationality: text(),
  orgBirthPlace: text(),
  orgAuthority: text(),
  orgAddress: text(),
  ageEstimate: text(),
  clientIpProxyRiskLevel: text(),
  duplicateFaces: nullish(stringList()),
  duplicateDocFaces: nullish(stringList()),
  additionalData: nullish(z.record(z.string(), z.unknown())),
});

export type DataResponse = z.output<typeof dataResponseSchema>;

/** `POST /api/v2/files`: an open map (FRONT, BACK, FACE, *_VIDEO, additional-step files…) to URLs. */
export const filesResponseSchema = z.record(z.string(), z.nullable(z.string()));

export type FilesResponse = z.output<typeof filesResponseSchema>;
