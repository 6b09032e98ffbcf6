import { randomBytes, randomInt, randomUUID } from "node:crypto";
import * as z from "zod";
import { apiError, badValue, notAvailableForEnvironment, TOKEN_LIMIT_MESSAGE } from "./api-errors";
import type { SimulatorCore } from "./core";
import { applyAutoResult } from "./lifecycle";
import { jsonReply, type Reply } from "./reply";
import type { RouteContext, RouteTable } from "./route";
import type { Verification } from "./state";
import { DUMMY_STATUSES, TOKEN_TYPES } from "./vocabulary";
import { alpha2, anyCaseAlpha2, isoDate, jsonObject, parseRequest } from "./validation";

// POST /api/v2/token (markid-api.md §3, dummy variant §4.1).

// §3.1: digits and these characters are refused in names.
const NAME_FORBIDDEN = /[0-9~!@#$%^*()_+={}[\]|:;",<>/?]/;
const personName = z
  .string()
  .min(1)
  .max(100)
  .refine((value) => !NAME_FORBIDDEN.test(value), "must not contain digits or special characters");
const resultUrl = z.string().min(5).max(2048);
const httpsUrl = z
  .string()
  .max(2048)
  .refine((value) => URL.canParse(value) && new URL(value).protocol === "https:", "must be an HTTPS URL");

/*
 * Open vocabularies (markid-api.md §3.1 "Vocabulary openness", §12): the vendor adds locales and
 * document types without notice, so only their shape is checked, as the client does.
 */
// iDenfy's OpenAPI: any string of up to 7 characters; an unsupported one gets the English UI.
const locale = z
  .string()
  .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,4})?$/, "must be a language code such as en");
const documentType = z.string().regex(/^[A-Z][A-Z0-9_]{0,49}$/, "must be a document type such as ID_CARD");
// One code, or (iDenfy's current guide) a list of them.
const countries = z.union([anyCaseAlpha2, z.array(anyCaseAlpha2).min(1)]);

const flag = z.boolean().optional();

/** §3.2 per-token settings, Mark ID's and iDenfy's: accepted with the right type and echoed back. */
const settingsShape = {
  checkLiveness: flag,
  reviewSuccessful: flag,
  reviewFailed: flag,
  driverLicenseBack: flag,
  autoAmlMonitoring: flag,
  fraudServices: z.array(z.enum(["AML_NAMES_CHECK", "LID", "AML_NEWS"])).optional(),
  checkIpProxy: flag,
  maxAttemptCount: z.int().min(0).optional(),
  checkFaceBlacklist: flag,
  checkDocFaceBlacklist: flag,
  checkDuplicateFaces: flag,
  checkDuplicateDocFaces: flag,
  nfcRequired: flag,
  faceMatchingThresholdModifier: z.number().optional(),
  levenshteinTextMatchRatio: z.number().min(0).max(1).optional(),
  levenshteinMrzMatchRatio: z.number().min(0).max(1).optional(),
  checkUrjanet: flag,
  detectionTypes: z.array(z.enum(["FACE", "EYES"])).optional(),
  checkAml: flag,
  checkLid: flag,
  checkCriminal: flag,
  checkDriverLicense: flag,
  checkPersonBlacklist: flag,
  checkDuplicatePersonalData: flag,
  ageLimit: z.int().min(0).optional(),
  ageMax: z.int().min(0).optional(),
  questionnaire: z.string().nullish(),
  questionnaireRequired: flag,
  riskAssessmentProfile: z.uuid().nullish(),
  theme: z.uuid().nullish(),
  registryCentersCountries: z.array(alpha2).nullish(),
  verifyEmail: flag,
  verifyPhone: flag,
  verifyAddress: flag,
  verifyBank: flag,
  verifyBankAccounts: flag,
  verifyBankBalances: flag,
  verifyBankTransactions: flag,
  bankCardVerification: flag,
  bankCardPdfUpload: flag,
  nfcOptional: flag,
  allowBsnMasking: flag,
};
const SETTING_KEYS = Object.keys(settingsShape) as (keyof typeof settingsShape)[];

// Key order is the order fields are checked in, so the first reported problem is predictable.
const tokenRequestSchema = z.object({
  // [IDF] clientId is ASCII only.
  clientId: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[\x20-\x7e]+$/, "must be printable ASCII"),
  firstName: personName.nullish(),
  lastName: personName.nullish(),
  successUrl: resultUrl.nullish(),
  errorUrl: resultUrl.nullish(),
  unverifiedUrl: resultUrl.nullish(),
  locale: locale.nullish(),
  showInstructions: z.boolean().nullish(),
  // iDenfy's OpenAPI: expiryTime from 0, sessionLength 60–3600 inclusive (Mark ID's text is narrower).
  expiryTime: z.int().min(0).max(2_592_000).nullish(),
  sessionLength: z.int().min(60).max(3600).nullish(),
  country: countries.nullish(),
  documents: z.array(documentType).min(1).nullish(),
  dateOfBirth: isoDate.nullish(),
  dateOfExpiry: isoDate.nullish(),
  dateOfIssue: isoDate.nullish(),
  // iDenfy: `ALL` clears a nationality set in the dashboard.
  nationality: z.union([anyCaseAlpha2, z.literal("ALL")]).nullish(),
  personalNumber: z.string().min(1).max(50).nullish(),
  documentNumber: z.string().min(1).max(50).nullish(),
  sex: z.enum(["M", "F"]).nullish(),
  address: z.string().max(255).nullish(),
  generateDigitString: z.boolean().nullish(),
  tokenType: z.enum(TOKEN_TYPES).nullish(),
  videoCallQuestions: z.array(z.string()).nullish(),
  externalRef: z.string().max(40).nullish(),
  utilityBill: z.boolean().nullish(),
  additionalSteps: jsonObject.nullish(),
  additionalData: jsonObject.nullish(),
  callbackUrl: httpsUrl.nullish(),
  dummyStatus: z.enum(DUMMY_STATUSES).nullish(),
  ...settingsShape,
});

type TokenRequest = z.infer<typeof tokenRequestSchema>;

const DEFAULT_DOCUMENTS = ["ID_CARD", "PASSPORT"];
// Every reply the vendor prints (Mark ID, iDenfy 2021 and now) echoes 600, not the tables' 1800.
const DEFAULT_SESSION_LENGTH = 600;

function createToken(context: RouteContext): Reply {
  const { core } = context;
  // [IDF] legacy alias: personScanRef stands in for a missing clientId.
  const body =
    context.body["clientId"] === undefined && context.body["personScanRef"] !== undefined
      ? { ...context.body, clientId: context.body["personScanRef"] }
      : context.body;
  const parsed = parseRequest(tokenRequestSchema, body);
  if (!parsed.ok) return parsed.reply;
  const request = parsed.value;

  const refused = crossFieldProblem(request, core) ?? contractProblem(request, core);
  if (refused !== undefined) return refused;
  if (request.dummyStatus != null && core.state.environment !== "DEV") {
    return notAvailableForEnvironment(core.state.environment);
  }
  if (core.state.tokenBalance <= 0) return apiError("PERMISSIONS_ERROR", TOKEN_LIMIT_MESSAGE);
  core.state.tokenBalance -= 1;

  const verification = newVerification(core, request, context.now);
  core.state.add(verification);
  const dummy = request.dummyStatus;
  if (dummy != null && dummy !== "ACTIVE") {
    // Dummy results stand for an automatic check with a manual review to follow (add-dummy-status).
    applyAutoResult(core, verification, dummy, { final: false, platform: "PC" });
  }
  return jsonReply(201, tokenResponse(core, request, verification));
}

function crossFieldProblem(request: TokenRequest, core: SimulatorCore): Reply | undefined {
  if (request.utilityBill === true && request.additionalSteps != null) {
    return badValue("utilityBill", "utilityBill and additionalSteps are mutually exclusive");
  }
  if (request.additionalData != null && request.additionalSteps == null) {
    return badValue("additionalData", "only allowed together with additionalSteps");
  }
  const expiryTime = request.expiryTime ?? core.state.tokenExpirySeconds;
  if (request.generateDigitString === true && expiryTime > core.state.tokenExpirySeconds) {
    return badValue("expiryTime", `may not exceed ${core.state.tokenExpirySeconds} with generateDigitString`);
  }
  return undefined;
}

function contractProblem(request: TokenRequest, core: SimulatorCore): Reply | undefined {
  const { contract } = core.state;
  if (request.generateDigitString === true && !contract.generateDigitString) {
    return apiError(
      "PARTNER_CONTRACT_ERROR",
      "Digit string generation is not allowed by the partner contract.",
    );
  }
  if (request.callbackUrl != null && !contract.callbackUrl) {
    return apiError(
      "PARTNER_CONTRACT_ERROR",
      "Per-token callbackUrl is not allowed by the partner contract.",
    );
  }
  const services = request.fraudServices ?? [];
  if (!contract.aml && services.some((service) => service !== "LID")) {
    return apiError("PARTNER_CONTRACT_ERROR", "AML services are not allowed by the partner contract.");
  }
  if (!contract.fraud && services.includes("LID")) {
    return apiError("PARTNER_CONTRACT_ERROR", "LID service is not allowed by the partner contract.");
  }
  return undefined;
}

function newVerification(core: SimulatorCore, request: TokenRequest, now: number): Verification {
  const expiryTime = request.expiryTime ?? core.state.tokenExpirySeconds;
  return {
    scanRef: randomUUID(),
    // 40 alphanumeric characters, the documented maximum length (§3.3).
    authToken: randomBytes(30).toString("base64url").replace(/[-_]/g, "x").slice(0, 40),
    clientId: request.clientId,
    externalRef: request.externalRef ?? null,
    callbackUrl: request.callbackUrl ?? null,
    token: { ...request },
    dummy: request.dummyStatus != null,
    createdAt: now,
    expiresAt: now + expiryTime * 1000,
    tokenUsed: false,
    status: "ACTIVE",
    autoFace: null,
    autoDocument: null,
    manualFace: null,
    manualDocument: null,
    fraudTags: [],
    mismatchTags: [],
    platform: "PC",
    startTime: null,
    finishTime: null,
    data: null,
    fileUrls: null,
    AML: null,
    LID: null,
  };
}

/** §3.3: every request field echoed with defaults filled, plus the session identifiers. */
function tokenResponse(
  core: SimulatorCore,
  request: TokenRequest,
  verification: Verification,
): Record<string, unknown> {
  const documents = request.documents ?? DEFAULT_DOCUMENTS;
  const settings = Object.fromEntries(
    SETTING_KEYS.filter((key) => request[key] !== undefined).map((key) => [key, request[key]]),
  );
  return {
    message:
      request.dummyStatus == null
        ? "Token created successfully"
        : "Dummy token and verification created successfully",
    authToken: verification.authToken,
    scanRef: verification.scanRef,
    clientId: request.clientId,
    personScanRef: request.clientId,
    firstName: request.firstName?.toUpperCase() ?? null,
    lastName: request.lastName?.toUpperCase() ?? null,
    successUrl: request.successUrl ?? null,
    errorUrl: request.errorUrl ?? null,
    unverifiedUrl: request.unverifiedUrl ?? null,
    callbackUrl: request.callbackUrl ?? null,
    // Mark ID's own example reply echoes null for a locale it was not given.
    locale: request.locale ?? null,
    showInstructions: request.showInstructions ?? true,
    country: request.country ?? null,
    expiryTime: request.expiryTime ?? core.state.tokenExpirySeconds,
    sessionLength: request.sessionLength ?? DEFAULT_SESSION_LENGTH,
    documents,
    allowedDocuments: allowedDocuments(request.country, documents),
    dateOfBirth: request.dateOfBirth ?? null,
    dateOfExpiry: request.dateOfExpiry ?? null,
    dateOfIssue: request.dateOfIssue ?? null,
    nationality: request.nationality ?? null,
    personalNumber: request.personalNumber ?? null,
    documentNumber: request.documentNumber ?? null,
    sex: request.sex ?? null,
    address: request.address ?? null,
    generateDigitString: request.generateDigitString ?? false,
    tokenType: request.tokenType ?? "IDENTIFICATION",
    videoCallQuestions: request.videoCallQuestions ?? [],
    externalRef: request.externalRef ?? null,
    utilityBill: request.utilityBill ?? false,
    additionalSteps: request.additionalSteps ?? null,
    additionalData: request.additionalData ?? null,
    digitString:
      request.generateDigitString === true ? String(randomInt(0, 100_000_000)).padStart(8, "0") : null,
    redirectUrl: `${core.baseUrl}/api/v2/redirect?authToken=${verification.authToken}`,
    ...(request.dummyStatus == null ? {} : { dummyStatus: request.dummyStatus }),
    ...settings,
  };
}

/** §3.3: country (or each listed country, or `ALL`) → the document types allowed there. */
function allowedDocuments(
  country: TokenRequest["country"],
  documents: readonly string[],
): Record<string, readonly string[]> {
  const keys = country == null ? ["ALL"] : typeof country === "string" ? [country] : country;
  return Object.fromEntries(keys.map((key) => [key, documents]));
}

export const tokenRoutes: RouteTable = {
  "/api/v2/token": { method: "POST", auth: true, handle: createToken },
};
