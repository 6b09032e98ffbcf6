/** The Mark ID client library: the public surface. Everything else in lib/markid is internal. */

export { createMarkIdClient, DEFAULT_BASE_URL, DEFAULT_TIMEOUT_MS, PROBE_SCAN_REF } from "./client";
export type { MarkIdClient, MarkIdClientOptions, ProbeReply } from "./client";

export { callEndpoint, defineEndpoint } from "./endpoint";
export type { CallOptions, Endpoint, EndpointSpec, RequestOf, ResponseOf, ResponseSpec, Schema } from "./endpoint";
export { createTransport } from "./transport";
export type { CredentialsSource, HttpMethod, HttpReply, HttpRequest, MarkIdCredentials, Transport } from "./transport";

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
export { DETECTION_TYPES, DUMMY_STATUSES, FRAUD_SERVICES, LOCALES, TOKEN_DOCUMENT_TYPES, TOKEN_TYPES } from "./schemas/token";
export type { TokenRequest, TokenResponse } from "./schemas/token";
export { MANUAL_DOCUMENT_RESULTS, MANUAL_FACE_RESULTS } from "./schemas/dummy-status";
export type { AddDummyStatusRequest } from "./schemas/dummy-status";
export { PROCESS_DOCUMENT_TYPES } from "./schemas/process";
export type { ProcessRequest } from "./schemas/process";
export type { DataResponse, FilesResponse, ScanRefRequest, StatusResponse } from "./schemas/verification";

export { signWebhookBody, verifyWebhookSignature } from "./webhook-signature";
export { parseVerificationResult, parseWebhookBody } from "./webhook-payload";
export type { VerificationResult, VerificationStatus, WebhookPayloadError } from "./webhook-payload";
