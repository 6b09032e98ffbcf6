/**
 * How long a published result is remembered (its dedupe item) and its scanRef's `scan#` item kept
 * (the sequence counter, the reconciler's record). Mark ID resends within seconds, a manual review
 * may send the same scanRef again days later, and the reconciler may ask about a session for up to
 * RECONCILE_GIVE_UP_SECONDS after its token expired: the longer of 30 days and that, plus a day.
 * The counter must not restart while a result of its scanRef may still come, or `sequence` would.
 */
const DEDUPE_SECONDS = 30 * 24 * 60 * 60;
const MARGIN_SECONDS = 24 * 60 * 60;

export function resultRetentionSeconds(giveUpSeconds: number): number {
  return Math.max(DEDUPE_SECONDS, giveUpSeconds + MARGIN_SECONDS);
}
