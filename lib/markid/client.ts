import { errAsync } from "neverthrow";
import type { ResultAsync } from "neverthrow";
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
import type { AddDummyStatusRequest } from "./schemas/dummy-status";
import type { ProcessRequest } from "./schemas/process";
import type { TokenRequest, TokenResponse } from "./schemas/token";
import type { DataResponse, FilesResponse, StatusResponse } from "./schemas/verification";
import { createTransport } from "./transport";
import type { CredentialsSource } from "./transport";

export const DEFAULT_BASE_URL = "https://ivs.markid.eu";
export const DEFAULT_TIMEOUT_MS = 10_000;

/** The nil UUID: well-formed, so the probe reaches the lookup, and never issued as a scanRef. */
export const PROBE_SCAN_REF = "00000000-0000-0000-0000-000000000000";

export interface MarkIdClientOptions {
  /** Default `https://ivs.markid.eu`. */
  readonly baseUrl?: string;
  readonly credentials: CredentialsSource;
  /** Per call, covering connection, reply headers and body. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
}

/** The HTTP status of a probe that Mark ID answered with 2xx. */
export interface ProbeReply {
  readonly status: number;
}

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
  const transport = createTransport({
    baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
    credentials: options.credentials,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // Looked up per call, not captured, so a fetch replaced after construction is honoured.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  });
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
    probe: (path, callOptions) => {
      const refusal = probePathProblem(path);
      if (refusal !== undefined) {
        return errAsync({
          kind: "invalid-request",
          endpoint: path,
          issues: [{ path: "path", message: refusal }],
        });
      }
      return transport
        .send({
          method: "POST",
          path,
          body: JSON.stringify({ scanRef: PROBE_SCAN_REF }),
          ...(callOptions?.timeoutMs === undefined ? {} : { timeoutMs: callOptions.timeoutMs }),
        })
        .map((reply) => ({ status: reply.status }));
    },
    call,
  };
}

/**
 * The credential check must never create a token (it spends a credit), whatever the
 * configuration says: compare the path as the server would route it.
 */
function probePathProblem(path: string): string | undefined {
  // Plain segments only: no dots, percent-escapes or doubled slashes that a server or proxy could
  // normalise into the token path.
  if (!/^(\/[A-Za-z0-9_-]+)+\/?$/.test(path)) return "must be a plain absolute path such as /api/v2/status";
  if (path.toLowerCase().replace(/\/$/, "") === tokenEndpoint.path) {
    return "must not be the token endpoint (it spends a credit)";
  }
  return undefined;
}
