/**
 * Value lists from markid-api.md, typed independently of lib/markid on purpose: the simulator is
 * the second opinion on the documentation, so a wrong list in the client cannot pass both.
 */

// Locales and token document types are open vocabularies, checked by shape in token.ts.

export const TOKEN_TYPES = [
  "DOCUMENT",
  "IDENTIFICATION",
  "VIDEO_CALL",
  "VIDEO_CALL_PHOTOS",
  "VIDEO_CALL_IDENTIFICATION",
] as const;

export const DUMMY_STATUSES = ["APPROVED", "DENIED", "SUSPECTED", "EXPIRED", "ACTIVE"] as const;
export type DummyStatus = (typeof DUMMY_STATUSES)[number];

// §6.1
export const PROCESS_DOCUMENT_TYPES = [
  "ID_CARD",
  "PASSPORT",
  "RESIDENCE_PERMIT",
  "DRIVER_LICENSE",
  "OTHER",
] as const;
export const PROCESS_IMAGE_STEPS = ["FRONT", "BACK", "FACE", "UTILITY_BILL"] as const;

// §4.2
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

// §8.1
export type OverallStatus =
  | "APPROVED"
  | "DENIED"
  | "SUSPECTED"
  | "REVIEWING"
  | "ACTIVE"
  | "EXPIRED"
  | "EXPIRED-DELETED"
  | "DELETED"
  | "ARCHIVED";

export const DEFAULT_URLS = {
  ui: "https://ui.markid.eu",
} as const;
