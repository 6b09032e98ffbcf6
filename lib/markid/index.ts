/** The Mark ID client library: the public surface. Everything else in lib/markid is internal. */

export { createMarkIdClient, DEFAULT_BASE_URL, DEFAULT_TIMEOUT_MS, PROBE_SCAN_REF } from "./client";
export type { MarkIdClient, MarkIdClientOptions, ProbeReply } from "./client";

export { callEndpoint, defineEndpoint } from "./endpoint";
export type {
  CallOptions,
  Endpoint,
  EndpointSpec,
  LazySchema,
  RequestOf,
  RequestSpec,
  RequestValidator,
  ResponseOf,
  ResponseSpec,
  Schema,
} from "./endpoint";
export { createTransport } from "./transport";
export type {
  CredentialsSource,
  HttpMethod,
  HttpReply,
  HttpRequest,
  MarkIdCredentials,
  Transport,
} from "./transport";

export { BODY_EXCERPT_LENGTH, decodeErrorResponse, parseRetryAfter } from "./error-response";
export type { HeaderLookup } from "./error-response";
export { ROOT_PATH, toFieldIssues } from "./field-issues";
export * from "./errors";
export * from "./identifiers";

export {
  addDummyStatusEndpoint,
  dataEndpoint,
  deleteEndpoint,
  filesEndpoint,
  processEndpoint,
  statusEndpoint,
  tokenEndpoint,
} from "./endpoints";
export {
  DETECTION_TYPES,
  DUMMY_STATUSES,
  FRAUD_SERVICES,
  LOCALES,
  TOKEN_DOCUMENT_TYPES,
  TOKEN_TYPES,
} from "./schemas/token-vocabulary";
export type { TokenRequest, TokenResponse } from "./schemas/token";
export { MANUAL_DOCUMENT_RESULTS, MANUAL_FACE_RESULTS } from "./schemas/dummy-status";
export type { AddDummyStatusRequest } from "./schemas/dummy-status";
export { PROCESS_DOCUMENT_TYPES } from "./schemas/process";
export type { ProcessRequest } from "./schemas/process";
export type { ScanRefRequest, StatusResponse } from "./schemas/verification";
export type { DataResponse, FilesResponse } from "./schemas/verification-data";

export { signWebhookBody, verifyWebhookSignature } from "./webhook-signature";
export { parseVerificationResult, parseWebhookBody } from "./webhook-payload";
export type { VerificationResult, VerificationStatus, WebhookPayloadError } from "./webhook-payload";
export { DEFAULT_EVENT_TYPE_HEADER, parseWebhookBodyKind } from "./webhook-body";
export type { WebhookBody, WebhookNotification } from "./webhook-body";

export { createFraudClient } from "./fraud-client";
export type { FraudClient } from "./fraud-client";
export {
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
export { FRAUD_LEVELS } from "./schemas/fraud-common";
export type { FraudLevel, ServiceResult } from "./schemas/fraud-common";
export type {
  EstimateFraudRequest,
  EstimateFraudResponse,
  ProxyCheckResponse,
} from "./schemas/fraud-signals";
export { FRAUD_CHECK_MODES, FRAUD_CHECK_SERVICES } from "./schemas/fraud-check";
export type {
  FraudCheckEntry,
  FraudCheckRequest,
  FraudCheckResponse,
  FraudCheckService,
} from "./schemas/fraud-check";
export { AML_ALERT_STATUSES, AML_SUBJECT_TYPES } from "./schemas/aml-monitoring";
export type {
  AddAmlUserRequest,
  AddAmlUserResponse,
  AddWhitelistRequest,
  AmlCompany,
  AmlPerson,
  AmlUser,
  AmlUserByScanRef,
  AmlUsersResponse,
  MonitoringCallbackResponse,
} from "./schemas/aml-monitoring";
export { GDC_RELIABILITY } from "./schemas/fraud-gdc";
export type { CheckGdcRequest, GdcCheckResponse } from "./schemas/fraud-gdc";
export type {
  PhoneValidation,
  SendSmsRequest,
  SendSmsResponse,
  ValidatePhoneRequest,
  VerifySmsRequest,
  VerifySmsResponse,
} from "./schemas/fraud-phone";
