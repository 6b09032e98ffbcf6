import type { SimulatorCore } from "./core";
import type { Whitelist } from "./fraud-watchlist";

/** One AML monitoring entry (add-aml-user). Mutable: whitelist and delete change it. */
export interface MonitoringEntry {
  readonly monitoringId: string;
  readonly type: "PERSON" | "COMPANY";
  readonly name: string;
  readonly surname: string | null;
  readonly nationality: string | null;
  readonly dateOfBirth: string | null;
  readonly country: string | null;
  /** Verifications merged into this entry (same subject added twice is monitored once). */
  readonly scanRefs: string[];
  readonly createdAt: number;
  readonly expiresAt: number;
  lastCheckAt: number;
  whitelist: Whitelist | null;
}

/** One code sent by /fraud/send-sms. */
export interface SmsChallenge {
  readonly code: string;
  readonly sentAt: number;
  wrongAttempts: number;
  verified: boolean;
}

export interface FraudState {
  readonly monitoring: Map<string, MonitoringEntry>;
  readonly sms: Map<string, SmsChallenge>;
}

// Keyed by the running simulator, so each instance has its own state and it goes when the
// simulator does — without adding fields to the shared core and state types.
const states = new WeakMap<SimulatorCore, FraudState>();

export function fraudState(core: SimulatorCore): FraudState {
  let state = states.get(core);
  if (state === undefined) {
    state = { monitoring: new Map(), sms: new Map() };
    states.set(core, state);
  }
  return state;
}
