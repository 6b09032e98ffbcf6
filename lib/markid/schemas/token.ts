import * as z from "zod/mini";
import { alpha2, boundedString, idString, isoDate, nullish, optionalNullable } from "./common";

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

/** §3.1 list plus `OTHER`, which the docs' own examples use. */
export const TOKEN_DOCUMENT_TYPES = [
  "ID_CARD",
  "PASSPORT",
  "RESIDENCE_PERMIT",
  "DRIVER_LICENSE",
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

const NAME_RULE = 'must not contain digits or any of ~!@#$%^*()_+={}[]|:;",<>/?';
// \p{Nd}: any script's digits, not only ASCII ones.
const personName = () =>
  boundedString(1, 100).check(z.regex(/^[^\p{Nd}~!@#$%^*()_+={}[\]|:;",<>/?]*$/u, NAME_RULE));
const redirectUrl = () => boundedString(5, 2048);
const jsonObject = () => z.record(z.string(), z.json());

/** §3.1 fields. */
const sessionFields = {
  // iDenfy: ASCII only (Mark ID is silent); the docs' `max 100` is Mark ID's.
  clientId: boundedString(1, 100).check(z.regex(/^[\x20-\x7E]*$/, "must be printable ASCII")),
  firstName: z.optional(personName()),
  lastName: z.optional(personName()),
  successUrl: z.optional(redirectUrl()),
  errorUrl: z.optional(redirectUrl()),
  unverifiedUrl: z.optional(redirectUrl()),
  locale: z.optional(z.enum(LOCALES)),
  showInstructions: z.optional(z.boolean()),
  expiryTime: z.optional(z.int().check(z.gt(0), z.lte(2_592_000))),
  // Mark ID: 60 < x < 3600; iDenfy's OpenAPI: 60 ≤ x ≤ 3600. The wider range, the server decides.
  sessionLength: z.optional(z.int().check(z.gte(60), z.lte(3600))),
  country: optionalNullable(alpha2()),
  documents: z.optional(z.array(z.enum(TOKEN_DOCUMENT_TYPES))),
  dateOfBirth: optionalNullable(isoDate()),
  dateOfExpiry: optionalNullable(isoDate()),
  dateOfIssue: optionalNullable(isoDate()),
  nationality: optionalNullable(alpha2()),
  personalNumber: optionalNullable(boundedString(1, 50)),
  documentNumber: optionalNullable(boundedString(1, 50)),
  sex: optionalNullable(z.enum(["M", "F"])),
  address: optionalNullable(z.string().check(z.maxLength(255))),
  generateDigitString: z.optional(z.boolean()),
  tokenType: z.optional(z.enum(TOKEN_TYPES)),
  videoCallQuestions: z.optional(z.array(z.string())),
  externalRef: optionalNullable(z.string().check(z.maxLength(40))),
  utilityBill: z.optional(z.boolean()),
  additionalSteps: optionalNullable(jsonObject()),
  additionalData: optionalNullable(jsonObject()),
  callbackUrl: z.optional(z.url({ protocol: /^https$/, message: "must be an https URL" })),
  dummyStatus: z.optional(z.enum(DUMMY_STATUSES)),
};

/** §3.2 per-token settings (refused by Mark ID unless enabled for the environment). */
const settingFields = {
  checkLiveness: z.optional(z.boolean()),
  reviewSuccessful: z.optional(z.boolean()),
  reviewFailed: z.optional(z.boolean()),
  driverLicenseBack: z.optional(z.boolean()),
  autoAmlMonitoring: z.optional(z.boolean()),
  fraudServices: z.optional(z.array(z.enum(FRAUD_SERVICES))),
  checkIpProxy: z.optional(z.boolean()),
  maxAttemptCount: z.optional(z.int().check(z.gte(0))),
  checkFaceBlacklist: z.optional(z.boolean()),
  checkDocFaceBlacklist: z.optional(z.boolean()),
  checkDuplicateFaces: z.optional(z.boolean()),
  checkDuplicateDocFaces: z.optional(z.boolean()),
  nfcRequired: z.optional(z.boolean()),
  faceMatchingThresholdModifier: z.optional(z.number()),
  levenshteinTextMatchRatio: z.optional(z.number()),
  levenshteinMrzMatchRatio: z.optional(z.number()),
  checkUrjanet: z.optional(z.boolean()),
  detectionTypes: z.optional(z.array(z.enum(DETECTION_TYPES))),
};

/**
 * Strict: an unknown field is refused (named in the issues) rather than silently dropped or sent,
 * since a misspelt optional field would otherwise vanish without a trace.
 */
export const tokenRequestSchema = z.strictObject({ ...sessionFields, ...settingFields }).check(
  z.refine((request) => !(request.utilityBill === true && isPresent(request.additionalSteps)), {
    message: "cannot be combined with utilityBill",
    path: ["additionalSteps"],
  }),
  z.refine((request) => !isPresent(request.additionalData) || isPresent(request.additionalSteps), {
    message: "requires additionalSteps",
    path: ["additionalData"],
  }),
);

/**
 * The reply echoes every request field with defaults filled (§3.3). Only what a caller needs is
 * typed; the rest passes through untouched, so an odd echo never loses a session that has already
 * spent a credit.
 */
export const tokenResponseSchema = z.looseObject({
  message: z.optional(z.string()),
  authToken: z.string().check(z.minLength(1)),
  scanRef: z.string().check(z.minLength(1)),
  clientId: idString(),
  digitString: nullish(z.string()),
  personScanRef: nullish(z.string()),
  redirectUrl: nullish(z.string()),
  expiryTime: nullish(z.number()),
  sessionLength: nullish(z.number()),
  tokenType: nullish(z.string()),
  externalRef: nullish(z.string()),
  firstName: nullish(z.string()),
  lastName: nullish(z.string()),
});

export type TokenRequest = z.input<typeof tokenRequestSchema>;
export type TokenResponse = z.output<typeof tokenResponseSchema>;

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}
