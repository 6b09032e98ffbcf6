import { DUMMY_STATUSES } from "../../lib/markid/index";

/*
 * The verification requests of a chaos run. Each one carries personal data made unique to it
 * (names, document and personal numbers, address, birth date), so the leak scan can tell which
 * request a leaked value came from and no value is a common word that appears in logs anyway.
 */

type RequestKind =
  /** A valid request; Mark ID makes a token (and nothing else). */
  | "plain"
  /** A valid request with a dummy status: the simulator also sends a result webhook. */
  | "dummy"
  /** Valid JSON with invalid fields: a `verification.failed` event naming them, no Mark ID call. */
  | "invalid-fields"
  /** Not JSON at all: a `verification.failed` event without a requestId (correlated by messageId). */
  | "not-json";

export interface ChaosRequest {
  readonly index: number;
  readonly requestId: string;
  readonly kind: RequestKind;
  readonly body: string;
}

export interface RequestMix {
  /** Share of requests with a dummy status (result webhooks). */
  readonly dummy: number;
  readonly invalidFields: number;
  readonly notJson: number;
}

const DEFAULT_REQUEST_MIX: RequestMix = { dummy: 0.25, invalidFields: 0.015, notJson: 0.005 };

/** Dummy statuses that produce a result webhook (ACTIVE does not). */
const RESULT_STATUSES = DUMMY_STATUSES.filter((status) => status !== "ACTIVE");

/** Letters only (names refuse digits): 0 → "a", 25 → "z", 26 → "ba"... */
function letters(n: number): string {
  let text = "";
  let rest = n;
  do {
    text = String.fromCharCode(97 + (rest % 26)) + text;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return text;
}

/** A deterministic pseudo-random generator (mulberry32), so a run's mix is reproducible by seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function makeRequests(
  count: number,
  runId: string,
  random: () => number,
  tokenExpirySeconds: number,
  mix: RequestMix = DEFAULT_REQUEST_MIX,
): ChaosRequest[] {
  return Array.from({ length: count }, (_, index) => {
    // ≤ 40 characters: it is also the token's externalRef, which Mark ID caps at 40.
    const requestId = `chaos-${runId}-${index}`;
    const roll = random();
    const kind: RequestKind =
      roll < mix.notJson
        ? "not-json"
        : roll < mix.notJson + mix.invalidFields
          ? "invalid-fields"
          : roll < mix.notJson + mix.invalidFields + mix.dummy
            ? "dummy"
            : "plain";
    return { index, requestId, kind, body: bodyFor(index, requestId, kind, random, tokenExpirySeconds) };
  });
}

function bodyFor(
  index: number,
  requestId: string,
  kind: RequestKind,
  random: () => number,
  tokenExpirySeconds: number,
): string {
  switch (kind) {
    case "not-json":
      return `{"requestId": "${requestId}", this is not JSON`;
    case "invalid-fields":
      // clientId empty and an unknown locale: two fields named in the failure event.
      return JSON.stringify({ requestId, clientId: "", locale: "xx-nowhere" });
    case "plain":
    case "dummy": {
      const status = RESULT_STATUSES[Math.floor(random() * RESULT_STATUSES.length)] ?? "APPROVED";
      return JSON.stringify({
        requestId,
        clientId: `customer-${index}`,
        externalRef: requestId,
        // Short: the sessions nobody finishes (the plain ones) expire within the run, and each must
        // still end in one final event (EXPIRED, by webhook or by reconciliation).
        expiryTime: tokenExpirySeconds,
        ...personalData(index, random),
        ...(kind === "dummy" ? { dummyStatus: status } : {}),
      });
    }
  }
}

/** Fake personal data unique to request `index`; the marker "qzx" makes each value unlike any word. */
function personalData(index: number, random: () => number) {
  const tag = letters(index);
  const year = 1940 + Math.floor(random() * 60);
  const month = String(1 + Math.floor(random() * 12)).padStart(2, "0");
  const day = String(1 + Math.floor(random() * 28)).padStart(2, "0");
  return {
    firstName: `Qzxfirst${tag}`,
    lastName: `Qzxlast${tag}`,
    dateOfBirth: `${year}-${month}-${day}`,
    documentNumber: `QZXDOC${index}`,
    personalNumber: `QZXPN${index}`,
    address: `Qzxstreet${tag} ${index}, Qzxtown`,
  };
}
