import type { ErasedClients } from "../../aws/erased-clients";
import type { ErasureStore } from "../../aws/erasures";
import type { Notifier } from "../../aws/notifier";
import type { Config } from "../../config";
import type { VerificationErasedEvent } from "../../messages";
import type { AttemptInfo } from "../../resilience/execute";
import type { MarkIdCallDependencies } from "../call-markid";

export interface ErasePersonDependencies extends MarkIdCallDependencies {
  readonly config: Pick<Config, "MARKID_TIMEOUT_MS">;
  readonly erasures: ErasureStore;
  readonly erasedClients: Pick<ErasedClients, "mark">;
  readonly notifier: Pick<Notifier, "publishEvent">;
  readonly now: () => number;
}

export interface ErasePersonOptions {
  readonly messageId: string;
  readonly remainingTimeMs: () => number;
  readonly onAttempt?: (info: AttemptInfo) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** How a delivery ended; every field is log-safe (no clientId, no body). */
export type ErasureOutcome =
  | {
      readonly kind: "published";
      readonly status: VerificationErasedEvent["status"];
      readonly sessions: number;
      readonly pending: number;
    }
  | {
      readonly kind: "given-back";
      readonly reason: "state-failed" | "publish-failed";
      readonly detail: string;
    };

export const isErasureAcknowledged = (outcome: ErasureOutcome): boolean =>
  outcome.kind === "published" && outcome.status !== "pending";
