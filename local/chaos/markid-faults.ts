import { KNOWN_IDENTIFIERS, type MarkIdError } from "../../lib/markid/index";
import type { FaultInjection, FaultSpec, SimulatorControl } from "../simulator/index";

/*
 * Every class of Mark ID fault the simulator can inject, each with the error the client must make
 * of it. The fault matrix and the chaos run share this list; what a function then does is read
 * from lib/resilience/policy.ts `decide(expectedError)`, not restated here.
 */

type MarkIdFaultGroup = "identifier" | "transport" | "status";

export interface MarkIdFaultClass {
  readonly label: string;
  readonly group: MarkIdFaultGroup;
  /** The simulator fault; `timeoutMs` is the client's per-call timeout (latency must exceed it). */
  readonly fault: (timeoutMs: number) => FaultSpec;
  /** What the Mark ID client reports for it: the input of the error policy. */
  readonly expectedError: (timeoutMs: number) => MarkIdError;
}

/** An identifier no version of the policy knows: kept verbatim, treated as API drift. */
export const UNKNOWN_IDENTIFIER = "SOMETHING_NEW_ERROR";

/** Statuses Mark ID uses with these identifiers; the rest come with 400 (markid-api.md §9). */
const IDENTIFIER_STATUS: Readonly<Record<string, number>> = { INTERNAL_ERROR: 500, TOO_MANY_REQUESTS: 429 };

const identifierClass = (identifier: string, known: boolean): MarkIdFaultClass => {
  const status = IDENTIFIER_STATUS[identifier] ?? 400;
  const message = `Simulated ${identifier}.`;
  return {
    label: known ? identifier : `unknown identifier (${identifier})`,
    group: "identifier",
    fault: () => ({ type: "identifier", identifier, message, status }),
    expectedError: () =>
      known
        ? { kind: "api", identifier: identifier as (typeof KNOWN_IDENTIFIERS)[number], status, message }
        : { kind: "unknown-identifier", identifier, status, message },
  };
};

/** The documented 10, the iDenfy-only 3, and an unknown one. */
export const IDENTIFIER_FAULTS: readonly MarkIdFaultClass[] = [
  ...KNOWN_IDENTIFIERS.map((identifier) => identifierClass(identifier, true)),
  identifierClass(UNKNOWN_IDENTIFIER, false),
];

/** Latency beyond the per-call timeout, so the client gives up: a timeout. */
const latencyBeyond = (timeoutMs: number) => timeoutMs + Math.max(300, Math.round(timeoutMs / 2));

export const TRANSPORT_FAULTS: readonly MarkIdFaultClass[] = [
  {
    label: "timeout (latency past the call timeout)",
    group: "transport",
    fault: (timeoutMs) => ({ type: "latency", ms: latencyBeyond(timeoutMs) }),
    expectedError: (timeoutMs) => ({ kind: "timeout", timeoutMs }),
  },
  {
    label: "connection reset before a reply",
    group: "transport",
    fault: () => ({ type: "reset" }),
    expectedError: () => ({ kind: "network", message: "reset", maybeSent: true }),
  },
  {
    label: "connection reset after Mark ID handled it",
    group: "transport",
    fault: () => ({ type: "reset", afterHandling: true }),
    expectedError: () => ({ kind: "network", message: "reset", maybeSent: true }),
  },
  {
    label: "HTML 502 from a gateway",
    group: "transport",
    fault: () => ({ type: "html-5xx", status: 502 }),
    expectedError: () => ({ kind: "http", status: 502, bodyExcerpt: "" }),
  },
  {
    label: "HTML 503 from a gateway",
    group: "transport",
    fault: () => ({ type: "html-5xx", status: 503 }),
    expectedError: () => ({ kind: "http", status: 503, bodyExcerpt: "" }),
  },
  {
    label: "truncated JSON reply",
    group: "transport",
    fault: () => ({ type: "truncated-json" }),
    expectedError: () => ({ kind: "schema-mismatch", endpoint: "", issues: [] }),
  },
  {
    label: "429 without identifier",
    group: "transport",
    fault: () => ({ type: "rate-limited" }),
    expectedError: () => ({ kind: "http", status: 429, bodyExcerpt: "" }),
  },
];

const statusClass = (status: number): MarkIdFaultClass => ({
  label: `plain HTTP ${status} (no identifier)`,
  group: "status",
  fault: () => ({ type: "http-status", status }),
  expectedError: () => ({ kind: "http", status, bodyExcerpt: "" }),
});

const STATUS_FAULTS: readonly MarkIdFaultClass[] = [401, 402, 403, 404].map(statusClass);

export const ALL_MARKID_FAULTS: readonly MarkIdFaultClass[] = [
  ...IDENTIFIER_FAULTS,
  ...TRANSPORT_FAULTS,
  ...STATUS_FAULTS,
];

export interface WeightedFault {
  readonly fault: MarkIdFaultClass;
  /** Share of all calls on the path that get this fault. */
  readonly share: number;
}

/**
 * Injects faults so that each gets exactly its share of the calls. The simulator tries its
 * injections in order, each with its own fraction, so the i-th fraction is the share divided by
 * what the earlier ones leave: share_i / (1 − Σ_{j<i} share_j).
 */
export function injectFaultShares(
  control: Pick<SimulatorControl, "injectFault">,
  faults: readonly WeightedFault[],
  options: { readonly path: string; readonly timeoutMs: number },
): number {
  let taken = 0;
  for (const { fault, share } of faults) {
    if (share <= 0) continue;
    const fraction = Math.min(1, share / (1 - taken));
    const injection: FaultInjection = { fault: fault.fault(options.timeoutMs), fraction, path: options.path };
    control.injectFault(injection);
    taken += share;
  }
  return taken;
}
