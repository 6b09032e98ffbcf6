import * as z from "zod/mini";
import { alpha2, boundedString, isoDate, optionalNullable } from "./common";
import { DETECTION_TYPES, DUMMY_STATUSES, FRAUD_SERVICES, TOKEN_TYPES } from "./token-vocabulary";

/*
 * The fields POST /api/v2/token accepts (markid-api.md §3.1, §3.2), in groups. Every group is a
 * factory, not a schema: building zod schemas for the ~80 documented fields at load was the
 * largest share of start-verification's cold init that was our own (bench/cold-init.ts), and a
 * typical request uses a handful of fields from one or two groups. token-request.ts builds a
 * group's schema the first time a request carries one of its fields.
 *
 * Vocabulary (design.md §4.3, markid-api.md §12): the union of Mark ID's and iDenfy's documented
 * fields; lists the vendor extends over time (document types, locales, countries) take any value
 * of the documented shape; `null` wherever the vendor documents the field as nullable.
 */

const NAME_RULE = 'must not contain digits or any of ~!@#$%^*()_+={}[]|:;",<>/?';
// \p{Nd}: any script's digits, not only ASCII ones.
const personName = () =>
  boundedString(1, 100).check(z.regex(/^[^\p{Nd}~!@#$%^*()_+={}[\]|:;",<>/?]*$/u, NAME_RULE));

/** localhost, 127.0.0.0/8 and [::1]: the only hosts a plain-http redirect may point at. */
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

function isRedirectUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOST.test(url.hostname));
}

/** Where the user's browser is sent afterwards: https (http only for loopback, design.md §4.3). */
const redirectUrl = () =>
  boundedString(5, 2048).check(
    z.refine(isRedirectUrl, "must be an https URL (http only for localhost, 127.0.0.0/8, [::1])"),
  );

/** `ID_CARD`, `BANK_ID_SE`: the shape of every vendor list value (document types, services). */
const vendorConstant = () =>
  boundedString(1, 50).check(z.regex(/^[A-Z][A-Z0-9_]*$/, "must be an upper-case constant such as ID_CARD"));

/** A language tag (`en`, `pt-BR`): iDenfy's OpenAPI allows any string of up to 7 characters. */
const locale = () =>
  boundedString(2, 7).check(
    z.regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,4})?$/, "must be a language code such as en"),
  );

/** One alpha-2 code, or (iDenfy's current guide) a non-empty list of them. */
const countries = () => z.union([alpha2(), z.array(alpha2()).check(z.minLength(1))]);

const ratio = () => z.number().check(z.gte(0), z.lte(1));
const seconds = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));
const flag = () => z.optional(z.boolean());
// Any JSON object: the encoder serialises the request and refuses what cannot be (endpoint.ts).
const jsonObject = () => z.record(z.string(), z.unknown());
// A regex and URL.canParse rather than z.uuid / z.url: zod's string formats add to every cold start.
const uuid = () =>
  z
    .string()
    .check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a UUID"));
const httpsUrl = () =>
  boundedString(1, 2048).check(
    z.refine((value) => URL.canParse(value) && new URL(value).protocol === "https:", "must be an https URL"),
  );

/** §3.1: who is verified, how the session looks and where it leads. */
export const sessionShape = () => ({
  // iDenfy: ASCII only (Mark ID is silent); the docs' `max 100` is Mark ID's.
  clientId: boundedString(1, 100).check(z.regex(/^[\x20-\x7E]*$/, "must be printable ASCII")),
  firstName: optionalNullable(personName()),
  lastName: optionalNullable(personName()),
  successUrl: optionalNullable(redirectUrl()),
  errorUrl: optionalNullable(redirectUrl()),
  unverifiedUrl: optionalNullable(redirectUrl()),
  callbackUrl: optionalNullable(httpsUrl()),
  locale: optionalNullable(locale()),
  showInstructions: flag(),
  // Mark ID: > 0; iDenfy's OpenAPI: minimum 0. The wider range, the server decides.
  expiryTime: z.optional(seconds(0, 2_592_000)),
  // Mark ID: 60 < x < 3600; iDenfy's OpenAPI: 60 ≤ x ≤ 3600. The wider range, the server decides.
  sessionLength: z.optional(seconds(60, 3600)),
  country: optionalNullable(countries()),
  // null (or absent) means the environment's default; an empty list would allow nothing.
  documents: optionalNullable(z.array(vendorConstant()).check(z.minLength(1))),
  generateDigitString: flag(),
  tokenType: z.optional(z.enum(TOKEN_TYPES)),
  videoCallQuestions: z.optional(z.array(z.string())),
  externalRef: optionalNullable(z.string().check(z.maxLength(40))),
  dummyStatus: z.optional(z.enum(DUMMY_STATUSES)),
});

/** §3.1 personal data: sent only to cross-check the document against it. */
export const personalShape = () => ({
  dateOfBirth: optionalNullable(isoDate()),
  dateOfExpiry: optionalNullable(isoDate()),
  dateOfIssue: optionalNullable(isoDate()),
  // iDenfy: `ALL` clears a nationality set in the dashboard.
  nationality: optionalNullable(z.union([alpha2(), z.literal("ALL")])),
  personalNumber: optionalNullable(boundedString(1, 50)),
  documentNumber: optionalNullable(boundedString(1, 50)),
  sex: optionalNullable(z.enum(["M", "F"])),
  address: optionalNullable(z.string().check(z.maxLength(255))),
});

/** §3.1 additional steps (utility bill and the like). */
export const stepsShape = () => ({
  utilityBill: optionalNullable(z.boolean()),
  additionalSteps: optionalNullable(jsonObject()),
  additionalData: optionalNullable(jsonObject()),
});

/** §3.2, Mark ID's per-token settings (refused by Mark ID unless enabled for the environment). */
export const markIdSettingsShape = () => ({
  checkLiveness: flag(),
  reviewSuccessful: flag(),
  reviewFailed: flag(),
  driverLicenseBack: flag(),
  autoAmlMonitoring: flag(),
  fraudServices: z.optional(z.array(z.enum(FRAUD_SERVICES))),
  checkIpProxy: flag(),
  maxAttemptCount: z.optional(z.int().check(z.gte(0))),
  checkFaceBlacklist: flag(),
  checkDocFaceBlacklist: flag(),
  checkDuplicateFaces: flag(),
  checkDuplicateDocFaces: flag(),
  nfcRequired: flag(),
  faceMatchingThresholdModifier: z.optional(z.number()),
  levenshteinTextMatchRatio: z.optional(ratio()),
  levenshteinMrzMatchRatio: z.optional(ratio()),
  checkUrjanet: flag(),
  detectionTypes: z.optional(z.array(z.enum(DETECTION_TYPES))),
});

/** §3.2, the settings only iDenfy's OpenAPI documents (same environment-permission rule). */
export const idenfySettingsShape = () => ({
  checkAml: flag(),
  checkLid: flag(),
  checkCriminal: flag(),
  checkDriverLicense: flag(),
  checkPersonBlacklist: flag(),
  checkDuplicatePersonalData: flag(),
  ageLimit: z.optional(z.int().check(z.gte(0))),
  ageMax: z.optional(z.int().check(z.gte(0))),
  questionnaire: optionalNullable(z.string()),
  questionnaireRequired: flag(),
  riskAssessmentProfile: optionalNullable(uuid()),
  theme: optionalNullable(uuid()),
  registryCentersCountries: optionalNullable(z.array(alpha2())),
  verifyEmail: flag(),
  verifyPhone: flag(),
  verifyAddress: flag(),
  verifyBank: flag(),
  verifyBankAccounts: flag(),
  verifyBankBalances: flag(),
  verifyBankTransactions: flag(),
  bankCardVerification: flag(),
  bankCardPdfUpload: flag(),
  nfcOptional: flag(),
  allowBsnMasking: flag(),
});

type Fields<F extends () => z.core.$ZodLooseShape> = z.input<z.ZodMiniObject<ReturnType<F>>>;

export type SessionFields = Fields<typeof sessionShape>;
export type PersonalFields = Fields<typeof personalShape>;
export type StepsFields = Fields<typeof stepsShape>;
export type MarkIdSettingsFields = Fields<typeof markIdSettingsShape>;
export type IdenfySettingsFields = Fields<typeof idenfySettingsShape>;

/**
 * Each group's field names, as plain strings: what tells a documented field from a misspelt one
 * without building a schema. `satisfies` keeps every name a field of its group's shape;
 * test/markid/token-request.test.ts checks that no field of a shape is missing from its list.
 */
export const TOKEN_FIELD_GROUPS = {
  session: [
    "clientId",
    "firstName",
    "lastName",
    "successUrl",
    "errorUrl",
    "unverifiedUrl",
    "callbackUrl",
    "locale",
    "showInstructions",
    "expiryTime",
    "sessionLength",
    "country",
    "documents",
    "generateDigitString",
    "tokenType",
    "videoCallQuestions",
    "externalRef",
    "dummyStatus",
  ],
  personal: [
    "dateOfBirth",
    "dateOfExpiry",
    "dateOfIssue",
    "nationality",
    "personalNumber",
    "documentNumber",
    "sex",
    "address",
  ],
  steps: ["utilityBill", "additionalSteps", "additionalData"],
  markIdSettings: [
    "checkLiveness",
    "reviewSuccessful",
    "reviewFailed",
    "driverLicenseBack",
    "autoAmlMonitoring",
    "fraudServices",
    "checkIpProxy",
    "maxAttemptCount",
    "checkFaceBlacklist",
    "checkDocFaceBlacklist",
    "checkDuplicateFaces",
    "checkDuplicateDocFaces",
    "nfcRequired",
    "faceMatchingThresholdModifier",
    "levenshteinTextMatchRatio",
    "levenshteinMrzMatchRatio",
    "checkUrjanet",
    "detectionTypes",
  ],
  idenfySettings: [
    "checkAml",
    "checkLid",
    "checkCriminal",
    "checkDriverLicense",
    "checkPersonBlacklist",
    "checkDuplicatePersonalData",
    "ageLimit",
    "ageMax",
    "questionnaire",
    "questionnaireRequired",
    "riskAssessmentProfile",
    "theme",
    "registryCentersCountries",
    "verifyEmail",
    "verifyPhone",
    "verifyAddress",
    "verifyBank",
    "verifyBankAccounts",
    "verifyBankBalances",
    "verifyBankTransactions",
    "bankCardVerification",
    "bankCardPdfUpload",
    "nfcOptional",
    "allowBsnMasking",
  ],
} as const satisfies {
  session: readonly (keyof SessionFields)[];
  personal: readonly (keyof PersonalFields)[];
  steps: readonly (keyof StepsFields)[];
  markIdSettings: readonly (keyof MarkIdSettingsFields)[];
  idenfySettings: readonly (keyof IdenfySettingsFields)[];
};

export type TokenFieldGroup = keyof typeof TOKEN_FIELD_GROUPS;

export const TOKEN_GROUP_SHAPES: Readonly<Record<TokenFieldGroup, () => z.core.$ZodLooseShape>> = {
  session: sessionShape,
  personal: personalShape,
  steps: stepsShape,
  markIdSettings: markIdSettingsShape,
  idenfySettings: idenfySettingsShape,
};
