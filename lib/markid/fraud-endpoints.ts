import { Result, err, ok } from "neverthrow";
import { defineEndpoint } from "./endpoint";
import type { Endpoint } from "./endpoint";
import type { FieldIssue } from "./errors";
import { ROOT_PATH } from "./field-issues";
import {
  addAmlUserRequestSchema,
  addAmlUserResponseSchema,
  addWhitelistRequestSchema,
  amlUsersResponseSchema,
  monitoringCallbackResponseSchema,
  monitoringIdRequestSchema,
} from "./schemas/aml-monitoring";
import type { AddAmlUserRequest, AddAmlUserResponse, MonitoringIdRequest } from "./schemas/aml-monitoring";
import { fraudCheckRequestSchema, fraudCheckResponseSchema } from "./schemas/fraud-check";
import type { FraudCheckRequest, FraudCheckResponse } from "./schemas/fraud-check";
import { checkGdcRequestSchema, checkGdcResponseSchema } from "./schemas/fraud-gdc";
import {
  sendSmsRequestSchema,
  sendSmsResponseSchema,
  validatePhoneRequestSchema,
  validatePhoneResponseSchema,
  verifySmsRequestSchema,
  verifySmsResponseSchema,
} from "./schemas/fraud-phone";
import type { PhoneValidation, ValidatePhoneRequest } from "./schemas/fraud-phone";
import {
  estimateFraudRequestSchema,
  estimateFraudResponseSchema,
  proxyCheckRequestSchema,
  proxyCheckResponseSchema,
} from "./schemas/fraud-signals";

/**
 * The fraud-prevention and AML endpoints (markid-api.md §10). Paths, trailing slashes included, as
 * documented. Declarations marked pure, as in endpoints.ts, so a bundle can drop those it never
 * calls; the two built by object spread (generateAmlPdfEndpoint, validatePhoneEndpoint) are kept,
 * with their schema modules, by any bundle that imports this file. No handler does.
 */

export const estimateFraudProbabilityEndpoint = /* @__PURE__ */ defineEndpoint({
  path: "/fraud/estimate-fraud-probability",
  request: estimateFraudRequestSchema,
  response: estimateFraudResponseSchema,
});

export const proxyCheckEndpoint = /* @__PURE__ */ defineEndpoint({
  path: "/fraud/proxy-check",
  request: proxyCheckRequestSchema,
  response: proxyCheckResponseSchema,
});

export const fraudCheckEndpoint: Endpoint<FraudCheckRequest, FraudCheckResponse> =
  /* @__PURE__ */ defineEndpoint({
    path: "/fraud/check",
    request: fraudCheckRequestSchema,
    response: fraudCheckResponseSchema,
  });

export const addAmlUserEndpoint: Endpoint<AddAmlUserRequest, AddAmlUserResponse> =
  /* @__PURE__ */ defineEndpoint({
    path: "/api/v2/add-aml-user",
    request: addAmlUserRequestSchema,
    response: addAmlUserResponseSchema,
  });

export const monitoringCallbackEndpoint = /* @__PURE__ */ defineEndpoint({
  path: "/api/v2/get-monitoring-callback",
  request: monitoringIdRequestSchema,
  response: monitoringCallbackResponseSchema,
});

export const amlUsersEndpoint = /* @__PURE__ */ defineEndpoint({
  path: "/api/v2/get-aml-users",
  method: "GET",
  request: undefined,
  response: amlUsersResponseSchema,
});

export const deleteMonitoringUserEndpoint = /* @__PURE__ */ defineEndpoint({
  path: "/api/v2/delete-monitoring-user/",
  request: monitoringIdRequestSchema,
  response: "empty",
});

export const addWhitelistEndpoint = /* @__PURE__ */ defineEndpoint({
  path: "/api/v2/add-whitelist",
  request: addWhitelistRequestSchema,
  response: "empty",
});

export const clearUserWhitelistEndpoint = /* @__PURE__ */ defineEndpoint({
  path: "/api/v2/clear-user-whitelist/",
  request: monitoringIdRequestSchema,
  response: "empty",
});

const generateAmlPdfRequest = /* @__PURE__ */ defineEndpoint({
  path: "/api/v2/generate-pdf-aml",
  request: monitoringIdRequestSchema,
  response: "empty",
});

/** Answers the report as base64 text (a PDF starts `JVBER`). */
export const generateAmlPdfEndpoint: Endpoint<MonitoringIdRequest, string> = {
  ...generateAmlPdfRequest,
  decodeResponse: (body) => decodeBase64Pdf(body),
};

export const checkGdcEndpoint = /* @__PURE__ */ defineEndpoint({
  path: "/api/v2/check-gdc-api",
  request: checkGdcRequestSchema,
  response: checkGdcResponseSchema,
});

const validatePhoneRequest = /* @__PURE__ */ defineEndpoint({
  path: "/fraud/validate-phone",
  request: validatePhoneRequestSchema,
  response: validatePhoneResponseSchema,
});

/**
 * iDenfy: a number that is not E.164 or not a mobile one may be answered with an empty string.
 * That reply is `null` (nothing known about the number), not a schema mismatch.
 */
export const validatePhoneEndpoint: Endpoint<ValidatePhoneRequest, PhoneValidation | null> = {
  ...validatePhoneRequest,
  decodeResponse: (body) => (isEmptyStringReply(body) ? ok(null) : validatePhoneRequest.decodeResponse(body)),
};

export const sendSmsEndpoint = /* @__PURE__ */ defineEndpoint({
  path: "/fraud/send-sms",
  request: sendSmsRequestSchema,
  response: sendSmsResponseSchema,
});

export const verifySmsEndpoint = /* @__PURE__ */ defineEndpoint({
  path: "/fraud/verify-sms",
  request: verifySmsRequestSchema,
  response: verifySmsResponseSchema,
});

const latin1 = new TextDecoder("latin1");
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function isEmptyStringReply(body: Uint8Array): boolean {
  const text = latin1.decode(body).trim();
  return text === "" || text === '""';
}

const NOT_A_PDF: readonly FieldIssue[] = [{ path: ROOT_PATH, message: "reply is not a base64-encoded PDF" }];
const PDF_MAGIC = "%PDF";
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Where an object-shaped reply would plausibly put the document; the format is not documented. */
const PDF_KEYS = ["pdf", "file", "report", "content", "data", "base64"];

const parseJson = Result.fromThrowable(
  (text: string): unknown => JSON.parse(text),
  () => NOT_A_PDF,
);
const decodeUtf8 = Result.fromThrowable(
  (body: Uint8Array) => strictUtf8.decode(body),
  () => NOT_A_PDF,
);

/**
 * Mark ID only says the report comes back "in Base64 format". Read every plausible framing: the
 * bare base64 text (optionally as a data URL), a JSON string, a JSON object holding it under a
 * likely key, or — should the raw PDF arrive instead — the bytes themselves, encoded here.
 */
function decodeBase64Pdf(body: Uint8Array): Result<string, readonly FieldIssue[]> {
  if (latin1.decode(body.subarray(0, PDF_MAGIC.length)) === PDF_MAGIC) {
    return ok(Buffer.from(body).toString("base64"));
  }
  return decodeUtf8(body)
    .map((text) => text.trim())
    .andThen((text) =>
      text.startsWith('"') || text.startsWith("{") ? parseJson(text).andThen(pdfField) : ok(text),
    )
    .andThen((candidate) => {
      const base64 = candidate.replace(/^data:application\/pdf;base64,/i, "").replace(/\s+/g, "");
      return base64.length % 4 === 0 && BASE64.test(base64) ? ok(base64) : err(NOT_A_PDF);
    });
}

function pdfField(json: unknown): Result<string, readonly FieldIssue[]> {
  if (typeof json === "string") return ok(json);
  if (typeof json !== "object" || json === null) return err(NOT_A_PDF);
  const entries = Object.entries(json as Record<string, unknown>);
  const found = PDF_KEYS.flatMap((key) =>
    entries.filter(([name, value]) => name.toLowerCase() === key && typeof value === "string"),
  )[0];
  return found === undefined ? err(NOT_A_PDF) : ok(found[1] as string);
}
