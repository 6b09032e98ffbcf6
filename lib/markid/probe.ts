import { errAsync, type ResultAsync } from "neverthrow";
import type { CallOptions } from "./endpoint";
import type { MarkIdError } from "./errors";
import { TOKEN_PATH } from "./paths";
import type { Transport } from "./transport";

/*
 * The credential probe on its own, not in client.ts, and refusing the token path by its constant
 * rather than by tokenEndpoint: the credential-check handler calls only this, so its bundle
 * carries (and its cold init builds) none of the endpoint schemas.
 */

/** The nil UUID: well-formed, so the probe reaches the lookup, and never issued as a scanRef. */
export const PROBE_SCAN_REF = "00000000-0000-0000-0000-000000000000";

/** The HTTP status of a probe that Mark ID answered with 2xx. */
export interface ProbeReply {
  readonly status: number;
}

/**
 * Proves the key pair without spending anything: POSTs `{ scanRef: PROBE_SCAN_REF }` to a
 * read-only path and returns the raw outcome. Any outcome but an unauthorised one proves the
 * credentials. `/api/v2/token` is refused (invalid-request, nothing sent) whatever the spelling.
 */
export function probeCredentials(
  transport: Transport,
  path: string,
  options?: CallOptions,
): ResultAsync<ProbeReply, MarkIdError> {
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
      ...(options?.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    })
    .map((reply) => ({ status: reply.status }));
}

/**
 * The credential check must never create a token (it spends a credit), whatever the
 * configuration says: compare the path as the server would route it.
 */
function probePathProblem(path: string): string | undefined {
  // Plain segments only: no dots, percent-escapes or doubled slashes that a server or proxy could
  // normalise into the token path.
  if (!/^(\/[A-Za-z0-9_-]+)+\/?$/.test(path)) return "must be a plain absolute path such as /api/v2/status";
  if (path.toLowerCase().replace(/\/$/, "") === TOKEN_PATH) {
    return "must not be the token endpoint (it spends a credit)";
  }
  return undefined;
}
