import * as z from "zod/mini";
import { scanRef } from "./common";

/** §4.2 face results, plus iDenfy's `FACE_NOT_CHECKED`. */
export const MANUAL_FACE_RESULTS = [
  "FACE_MATCH",
  "FACE_MISMATCH",
  "NO_FACE_FOUND",
  "TOO_MANY_FACES",
  "FACE_TOO_BLURRY",
  "FACE_UNCERTAIN",
  "FACE_NOT_ANALYSED",
  "FACE_ERROR",
  "AUTO_UNVERIFIABLE",
  "FAKE_FACE",
  "FACE_NOT_CHECKED",
] as const;

export const MANUAL_DOCUMENT_RESULTS = [
  "DOC_VALIDATED",
  "DOC_INFO_MISMATCH",
  "DOC_NOT_FOUND",
  "DOC_NOT_FULLY_VISIBLE",
  "DOC_NOT_SUPPORTED",
  "DOC_FACE_NOT_FOUND",
  "DOC_TOO_BLURRY",
  "DOC_FACE_GLARED",
  "MRZ_NOT_FOUND",
  "MRZ_OCR_READING_ERROR",
  "BARCODE_NOT_FOUND",
  "DOC_EXPIRED",
  "COUNTRY_MISMATCH",
  "DOC_TYPE_MISMATCH",
  "DOC_DAMAGED",
  "DOC_FAKE",
  "DOC_ERROR",
  "AUTO_UNVERIFIABLE",
  "DOC_NOT_ANALYSED",
  "DOC_NAME_ERROR",
  "DOC_SURNAME_ERROR",
  "DOC_EXPIRY_ERROR",
  "DOC_DOB_ERROR",
  "DOC_PERSONAL_NUMBER_ERROR",
  "DOC_NUMBER_ERROR",
  "DOC_DATE_OF_ISSUE_ERROR",
  "DOC_SEX_ERROR",
  "DOC_NATIONALITY_ERROR",
] as const;

/**
 * `POST /api/v2/add-dummy-status` (development environment only). The docs' table types
 * `scanRef` as "List" while the example sends a string: both are accepted here.
 */
export const addDummyStatusRequestSchema = z.strictObject({
  scanRef: z.union([scanRef(), z.array(scanRef()).check(z.minLength(1))]),
  manualFaceMatchResult: z.optional(z.enum(MANUAL_FACE_RESULTS)),
  manualDocumentValidity: z.optional(z.enum(MANUAL_DOCUMENT_RESULTS)),
});

export type AddDummyStatusRequest = z.input<typeof addDummyStatusRequestSchema>;
