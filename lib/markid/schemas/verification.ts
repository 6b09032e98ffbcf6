import * as z from "zod/mini";
import { idString, nullish, openString, scanRef, stringList } from "./common";

/** Body of the lookups by scanRef: status, data, files, delete (§6.2–§6.4, iDenfy only). */
export const scanRefRequestSchema = z.strictObject({ scanRef: scanRef() });

export type ScanRefRequest = z.input<typeof scanRefRequestSchema>;

/**
 * `POST /api/v2/status`. `manualDocument`/`manualFace` are "empty if not reviewed yet": null,
 * absent or "" are all accepted as they come.
 */
export const statusResponseSchema = z.looseObject({
  status: openString(),
  scanRef: z.optional(z.string()),
  clientId: z.optional(idString()),
  autoDocument: nullish(openString()),
  autoFace: nullish(openString()),
  manualDocument: nullish(openString()),
  manualFace: nullish(openString()),
  fraudTags: nullish(stringList()),
  mismatchTags: nullish(stringList()),
});

export type StatusResponse = z.output<typeof statusResponseSchema>;

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
