import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import type { AlertMessage, AlertSeverity, AlertType } from "../messages";
import type { AwsError } from "./aws-error";
import type { AlertStateStore } from "./alert-state";
import type { Notifier } from "./notifier";

export const DEFAULT_ALERT_SEVERITY: Readonly<Record<AlertType, AlertSeverity>> = {
  "markid.token-limit-reached": "critical",
  "markid.credentials-invalid": "critical",
  "markid.permission-denied": "critical",
  "markid.client-error": "warning",
  "markid.unavailable": "warning",
};

export interface Alerter {
  /**
   * Records an occurrence; sends the firing alert only when this call opens the type's window
   * (once per window across containers). `sent: false` means it was folded into the open alert.
   */
  raise(
    type: AlertType,
    summary: string,
    severity?: AlertSeverity,
  ): ResultAsync<{ readonly sent: boolean }, AwsError>;
  /** Sends the resolved alert if the type was firing (exactly once across containers). */
  clear(type: AlertType, summary: string): ResultAsync<{ readonly sent: boolean }, AwsError>;
}

export interface AlerterOptions {
  readonly state: AlertStateStore;
  readonly notifier: Pick<Notifier, "publishAlert">;
  readonly stage: string;
  readonly windowSeconds: number;
  /** Clock in epoch milliseconds; injected by tests. */
  readonly now?: () => number;
}

/*
 * Never lose an alert: winning the window and publishing are two steps, and the publish may fail.
 * When it does, the window is undone (state `unsent`) so the next occurrence — at the latest the
 * redelivery of the event whose failure raised it, since the error is returned — fires again.
 * Likewise a resolved alert whose publish fails goes back to firing, so the next clear sends it.
 * The price is a possible duplicate if SNS took a message but its reply was lost: a duplicate
 * alert is better than a missing one. If the undo itself fails too, the publish error is still
 * what is returned; the window then stays claimed until it ends and the next window alerts.
 */
export function createAlerter(options: AlerterOptions): Alerter {
  const { state, notifier, stage, windowSeconds } = options;
  const now = options.now ?? Date.now;

  const publishOrUndo = (
    alert: AlertMessage,
    undo: () => ResultAsync<void, AwsError>,
  ): ResultAsync<{ readonly sent: boolean }, AwsError> =>
    notifier
      .publishAlert(alert)
      .map(() => ({ sent: true }))
      .orElse((publishError) =>
        undo()
          .orElse(() => okAsync(undefined))
          .andThen(() => errAsync(publishError)),
      );

  return {
    raise(type, summary, severity = DEFAULT_ALERT_SEVERITY[type]) {
      return state.recordOccurrence(type, { windowSeconds, now: now() }).andThen((occurrence) => {
        if (!occurrence.fire) return okAsync({ sent: false });
        const alert: AlertMessage = {
          type,
          state: "firing",
          severity,
          summary,
          stage,
          firstSeen: occurrence.firstSeen,
          count: occurrence.count,
        };
        return publishOrUndo(alert, () => state.undoFire(type, occurrence.firstSeen));
      });
    },

    clear(type, summary) {
      return state.resolve(type, { now: now() }).andThen((resolution) => {
        if (!resolution.sendResolved) return okAsync({ sent: false });
        const alert: AlertMessage = {
          type,
          state: "resolved",
          severity: DEFAULT_ALERT_SEVERITY[type],
          summary,
          stage,
          firstSeen: resolution.firstSeen,
          count: resolution.count,
        };
        return publishOrUndo(alert, () => state.undoResolve(type, resolution.firstSeen));
      });
    },
  };
}
