import { isUnauthorized, type MarkIdError } from "../markid/errors";
import { decide } from "../resilience/policy";

/**
 * What the credential probe learnt from Mark ID's answer. Any reply but UNAUTHORIZED / 401 proves
 * the key pair (design.md §4.1): the probe asks about a scanRef that cannot exist, so BAD_VALUE is
 * the usual "success".
 */
export interface ProbeProof {
  /** The HTTP status of the reply that proved the key pair. */
  readonly status: number;
  /** Mark ID's identifier when the reply carried one. */
  readonly identifier: string | null;
  /**
   * The reply looks like a request we built wrongly (404, 405, JSON_ERROR...): the key pair is
   * proven, but MARKID_PROBE_PATH is probably not the read-only endpoint it should be.
   */
  readonly suspectProbePath: boolean;
}

/**
 * The proof an error reply carries, or null when it proves nothing: UNAUTHORIZED (the key pair is
 * refused), a transient failure (a gateway's 5xx page, a 429, a timeout, a reset — the request may
 * never have reached the authentication), or no request at all (refused client-side, secret
 * unreadable).
 */
export function proofFromError(error: MarkIdError): ProbeProof | null {
  switch (error.kind) {
    case "api":
    case "unknown-identifier":
    case "http": {
      if (isUnauthorized(error)) return null;
      const decision = decide(error);
      if (decision.action === "retry") return null;
      return {
        status: error.status,
        identifier: error.kind === "http" ? null : error.identifier,
        suspectProbePath: decision.action === "client-error",
      };
    }
    // A 2xx whose body did not match: Mark ID answered, authenticated.
    case "schema-mismatch":
      return { status: 200, identifier: null, suspectProbePath: false };
    case "network":
    case "timeout":
    case "invalid-request":
    case "credentials-unavailable":
      return null;
  }
}

/** A log-safe line for a proof: `HTTP 400 BAD_VALUE`. */
export function describeProof(proof: ProbeProof): string {
  return proof.identifier === null ? `HTTP ${proof.status}` : `HTTP ${proof.status} ${proof.identifier}`;
}
