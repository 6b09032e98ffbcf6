/*
 * The value lists the vendor documents for POST /api/v2/token (markid-api.md §3.1, §3.2, §8.6).
 * The open ones (locales, document types) are for reference and tests only: requests accept any
 * value of the documented shape, since the vendor adds values without notice (design.md §4.3).
 */

/** Mark ID's 16 UI languages; iDenfy's OpenAPI takes any string of up to 7 characters. */
export const LOCALES = [
  "lt",
  "en",
  "ru",
  "pl",
  "lv",
  "ro",
  "it",
  "de",
  "fr",
  "sv",
  "es",
  "hu",
  "ja",
  "bg",
  "et",
  "cs",
] as const;

/** §3.1 and §8.6: Mark ID's list, `OTHER` (the docs' own examples), and iDenfy's additions. */
export const TOKEN_DOCUMENT_TYPES = [
  "ID_CARD",
  "PASSPORT",
  "RESIDENCE_PERMIT",
  "DRIVER_LICENSE",
  "PROVISIONAL_DRIVER_LICENSE",
  "AADHAAR",
  "PAN_CARD",
  "VISA",
  "BORDER_CROSSING",
  "ASYLUM",
  "NATIONAL_PASSPORT",
  "INTERNATIONAL_PASSPORT",
  "VOTER_CARD",
  "OLD_ID_CARD",
  "TRAVEL_CARD",
  "PHOTO_CARD",
  "MILITARY_CARD",
  "PROOF_OF_AGE_CARD",
  "DIPLOMATIC_ID",
  "ADDRESS_CARD",
  "SOCIAL_SECURITY_CARD",
  "WORK_PERMIT",
  "SMART_ID",
  "CLEAR",
  "ONE_ID",
  "BANK_ID_SE",
  "BANK_ID_NO",
  "BANK_ID_CZ",
  "FTN",
  "MIT_ID",
  "VERIMI",
  "LA_WALLET",
  "SAMSUNG_WALLET",
  "MOJE_ID_CZ",
  "YOTI_ID",
  "OTHER",
] as const;

/** Mark ID's five; iDenfy now documents only the first two, the server decides. */
export const TOKEN_TYPES = [
  "IDENTIFICATION",
  "DOCUMENT",
  "VIDEO_CALL",
  "VIDEO_CALL_PHOTOS",
  "VIDEO_CALL_IDENTIFICATION",
] as const;

/** Dummy auto results (development environment only, §4.1). */
export const DUMMY_STATUSES = ["APPROVED", "DENIED", "SUSPECTED", "ACTIVE", "EXPIRED"] as const;

export const FRAUD_SERVICES = ["AML_NAMES_CHECK", "LID", "AML_NEWS"] as const;
export const DETECTION_TYPES = ["FACE", "EYES"] as const;
