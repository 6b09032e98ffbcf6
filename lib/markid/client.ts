import type { ResultAsync } from "neverthrow";
import { createMarkIdTransport, type MarkIdClientOptions } from "./connection";
import { callEndpoint } from "./endpoint";
import type { CallOptions, Endpoint } from "./endpoint";
import {
  addDummyStatusEndpoint,
  dataEndpoint,
  deleteEndpoint,
  filesEndpoint,
  processEndpoint,
  statusEndpoint,
  tokenEndpoint,
} from "./endpoints";
import type { MarkIdError } from "./errors";
import { probeCredentials, type ProbeReply } from "./probe";
import type { AddDummyStatusRequest } from "./schemas/dummy-status";
import type { ProcessRequest } from "./schemas/process";
import type { TokenRequest, TokenResponse } from "./schemas/token";
import type { StatusResponse } from "./schemas/verification";
import type { DataResponse, FilesResponse } from "./schemas/verification-data";

export { DEFAULT_BASE_URL, DEFAULT_TIMEOUT_MS, type MarkIdClientOptions } from "./connection";
export { PROBE_SCAN_REF, type ProbeReply } from "./probe";

export interface MarkIdClient {
  /** `POST /api/v2/token`: spends a verification credit (never retry an unknown outcome blindly). */
  createToken(request: TokenRequest, options?: CallOptions): ResultAsync<TokenResponse, MarkIdError>;
  addDummyStatus(request: AddDummyStatusRequest, options?: CallOptions): ResultAsync<void, MarkIdError>;
  processImages(request: ProcessRequest, options?: CallOptions): ResultAsync<void, MarkIdError>;
  getStatus(scanRef: string, options?: CallOptions): ResultAsync<StatusResponse, MarkIdError>;
  getData(scanRef: string, options?: CallOptions): ResultAsync<DataResponse, MarkIdError>;
  getFiles(scanRef: string, options?: CallOptions): ResultAsync<FilesResponse, MarkIdError>;
  deleteVerification(scanRef: string, options?: CallOptions): ResultAsync<void, MarkIdError>;
  /**
   * Proves the key pair without spending anything: POSTs `{ scanRef: PROBE_SCAN_REF }` to a
   * read-only path and returns the raw outcome. Any outcome but an unauthorised one proves the
   * credentials. `/api/v2/token` is refused (invalid-request, nothing sent) whatever the spelling.
   */
  probe(path: string, options?: CallOptions): ResultAsync<ProbeReply, MarkIdError>;
  /** Calls any endpoint built with `defineEndpoint` over this client's transport. */
  call<Req, Res>(
    endpoint: Endpoint<Req, Res>,
    input: Req,
    options?: CallOptions,
  ): ResultAsync<Res, MarkIdError>;
}

export function createMarkIdClient(options: MarkIdClientOptions): MarkIdClient {
  const transport = createMarkIdTransport(options);
  const call = <Req, Res>(endpoint: Endpoint<Req, Res>, input: Req, callOptions?: CallOptions) =>
    callEndpoint(transport, endpoint, input, callOptions);

  return {
    createToken: (request, callOptions) => call(tokenEndpoint, request, callOptions),
    addDummyStatus: (request, callOptions) => call(addDummyStatusEndpoint, request, callOptions),
    processImages: (request, callOptions) => call(processEndpoint, request, callOptions),
    getStatus: (scanRef, callOptions) => call(statusEndpoint, { scanRef }, callOptions),
    getData: (scanRef, callOptions) => call(dataEndpoint, { scanRef }, callOptions),
    getFiles: (scanRef, callOptions) => call(filesEndpoint, { scanRef }, callOptions),
    deleteVerification: (scanRef, callOptions) => call(deleteEndpoint, { scanRef }, callOptions),
    probe: (path, callOptions) => probeCredentials(transport, path, callOptions),
    call,
  };
}
