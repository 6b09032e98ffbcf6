import type { AlertType } from "../messages";

/*
 * How a scheduled run (the reconciler's two phases: open sessions, then due deletions at Mark ID)
 * stops early, in one vocabulary both phases share: a failure every further Mark ID call would
 * share ends the phase, and the alert it raised goes into the summary.
 */

/** Why a run stopped before the end of its due sessions. */
export type StopReason =
  /** No time left in the invocation for another session. */
  | "deadline"
  /** Mark ID failing or unreachable past the policy's retries (or the retry budget). */
  | "unavailable"
  /** UNAUTHORIZED, still after re-reading the secret. */
  | "credentials-invalid"
  /** Secrets Manager did not give the key pair. */
  | "credentials-unavailable"
  | "token-limit"
  | "permission-denied"
  /** Our bug or API drift (a reply we cannot read, JSON_ERROR, 404...): every other call would fail alike. */
  | "client-error"
  /** The open-sessions index could not be read or written. */
  | "state-unavailable";

export interface RaisedAlert {
  readonly type: AlertType;
  readonly sent: boolean;
  /** Set when the alert could not be recorded or published (log-safe). */
  readonly error?: string;
}

/** Ends a run early. */
export interface RunStop {
  readonly reason: StopReason;
  readonly detail: string;
  /** The session in hand was reached but not reconciled (it counts as failed); false when it was not touched. */
  readonly sessionFailed: boolean;
  /** Status calls made for the session in hand. */
  readonly attempts: number;
  readonly alert?: RaisedAlert;
}
