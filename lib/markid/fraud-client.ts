import type { ResultAsync } from "neverthrow";
import { createMarkIdClient } from "./client";
import type { MarkIdClient, MarkIdClientOptions } from "./client";
import type { CallOptions } from "./endpoint";
import type { MarkIdError } from "./errors";
import {
  addAmlUserEndpoint,
  addWhitelistEndpoint,
  amlUsersEndpoint,
  checkGdcEndpoint,
  clearUserWhitelistEndpoint,
  deleteMonitoringUserEndpoint,
  estimateFraudProbabilityEndpoint,
  fraudCheckEndpoint,
  generateAmlPdfEndpoint,
  monitoringCallbackEndpoint,
  proxyCheckEndpoint,
  sendSmsEndpoint,
  validatePhoneEndpoint,
  verifySmsEndpoint,
} from "./fraud-endpoints";
import type {
  AddAmlUserRequest,
  AddAmlUserResponse,
  AddWhitelistRequest,
  AmlUsersResponse,
  MonitoringCallbackResponse,
} from "./schemas/aml-monitoring";
import type { FraudCheckRequest, FraudCheckResponse } from "./schemas/fraud-check";
import type { CheckGdcRequest, GdcCheckResponse } from "./schemas/fraud-gdc";
import type {
  PhoneValidation,
  SendSmsRequest,
  SendSmsResponse,
  ValidatePhoneRequest,
  VerifySmsRequest,
  VerifySmsResponse,
} from "./schemas/fraud-phone";
import type {
  EstimateFraudRequest,
  EstimateFraudResponse,
  ProxyCheckResponse,
} from "./schemas/fraud-signals";

/**
 * The fraud-prevention and AML services (markid-api.md §10). Every call validates its request
 * first (a breach is `invalid-request` and nothing is sent) and reads replies tolerantly.
 */
export interface FraudClient {
  /** `POST /fraud/estimate-fraud-probability`: at least one field must be given. */
  estimateFraudProbability(
    request: EstimateFraudRequest,
    options?: CallOptions,
  ): ResultAsync<EstimateFraudResponse, MarkIdError>;
  /** `POST /fraud/proxy-check`. */
  proxyCheck(ipAddress: string, options?: CallOptions): ResultAsync<ProxyCheckResponse, MarkIdError>;
  /** `POST /fraud/check`: AML, adverse media, company and LID checks of one subject. */
  fraudCheck(request: FraudCheckRequest, options?: CallOptions): ResultAsync<FraudCheckResponse, MarkIdError>;
  /** `POST /api/v2/add-aml-user`: start monitoring a person (by scanRef or data) or a company. */
  addAmlUser(request: AddAmlUserRequest, options?: CallOptions): ResultAsync<AddAmlUserResponse, MarkIdError>;
  /** `POST /api/v2/get-monitoring-callback`: an entry's latest monitoring result. */
  getMonitoringCallback(
    monitoringId: string,
    options?: CallOptions,
  ): ResultAsync<MonitoringCallbackResponse, MarkIdError>;
  /** `GET /api/v2/get-aml-users`. */
  listAmlUsers(options?: CallOptions): ResultAsync<AmlUsersResponse, MarkIdError>;
  /** `POST /api/v2/delete-monitoring-user/`. */
  deleteMonitoringUser(monitoringId: string, options?: CallOptions): ResultAsync<void, MarkIdError>;
  /** `POST /api/v2/add-whitelist`. */
  addWhitelist(request: AddWhitelistRequest, options?: CallOptions): ResultAsync<void, MarkIdError>;
  /** `POST /api/v2/clear-user-whitelist/`. */
  clearUserWhitelist(monitoringId: string, options?: CallOptions): ResultAsync<void, MarkIdError>;
  /** `POST /api/v2/generate-pdf-aml`: the monitoring report, a base64-encoded PDF. */
  generateAmlPdf(monitoringId: string, options?: CallOptions): ResultAsync<string, MarkIdError>;
  /** `POST /api/v2/check-gdc-api`: global data sources identity check. */
  checkGdc(request: CheckGdcRequest, options?: CallOptions): ResultAsync<GdcCheckResponse, MarkIdError>;
  /** `POST /fraud/validate-phone`; `null` when Mark ID answers with an empty string (number unknown). */
  validatePhone(
    request: ValidatePhoneRequest,
    options?: CallOptions,
  ): ResultAsync<PhoneValidation | null, MarkIdError>;
  /** `POST /fraud/send-sms`: sends a 4-digit code; keep the `request_id` for verifySms. */
  sendSms(request: SendSmsRequest, options?: CallOptions): ResultAsync<SendSmsResponse, MarkIdError>;
  /** `POST /fraud/verify-sms`. */
  verifySms(request: VerifySmsRequest, options?: CallOptions): ResultAsync<VerifySmsResponse, MarkIdError>;
}

/**
 * A separate client so the verification client's surface stays small. It runs over the same
 * transport: pass the options `createMarkIdClient` takes (a transport with the same defaults is
 * built), or an existing client to share its credentials source and timeout.
 */
export function createFraudClient(source: MarkIdClientOptions | Pick<MarkIdClient, "call">): FraudClient {
  const client = "call" in source ? source : createMarkIdClient(source);
  const call: MarkIdClient["call"] = (endpoint, input, options) => client.call(endpoint, input, options);

  return {
    estimateFraudProbability: (request, options) => call(estimateFraudProbabilityEndpoint, request, options),
    proxyCheck: (ipAddress, options) => call(proxyCheckEndpoint, { ip_address: ipAddress }, options),
    fraudCheck: (request, options) => call(fraudCheckEndpoint, request, options),
    addAmlUser: (request, options) => call(addAmlUserEndpoint, request, options),
    getMonitoringCallback: (monitoringId, options) =>
      call(monitoringCallbackEndpoint, { monitoringId }, options),
    listAmlUsers: (options) => call(amlUsersEndpoint, undefined, options),
    deleteMonitoringUser: (monitoringId, options) =>
      call(deleteMonitoringUserEndpoint, { monitoringId }, options),
    addWhitelist: (request, options) => call(addWhitelistEndpoint, request, options),
    clearUserWhitelist: (monitoringId, options) =>
      call(clearUserWhitelistEndpoint, { monitoringId }, options),
    generateAmlPdf: (monitoringId, options) => call(generateAmlPdfEndpoint, { monitoringId }, options),
    checkGdc: (request, options) => call(checkGdcEndpoint, request, options),
    validatePhone: (request, options) => call(validatePhoneEndpoint, request, options),
    sendSms: (request, options) => call(sendSmsEndpoint, request, options),
    verifySms: (request, options) => call(verifySmsEndpoint, request, options),
  };
}
