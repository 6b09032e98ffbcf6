import type { OpenSession } from "../../aws/open-sessions";
import type { Config } from "../../config";

/*
 * When a session in progress is asked about again (design.md §4.4): the first interval is
 * RECONCILE_AFTER_SECONDS (at least a minute, so a setting of 0 cannot make a run ask twice
 * in a row), then each one doubles, up to 6 hours. Status lookups are a fallback Mark ID asks us
 * not to poll (markid-api.md §6.2): a session still open after a day is asked a few times a day.
 */

const MIN_INTERVAL_SECONDS = 60;
const MAX_INTERVAL_SECONDS = 6 * 3600;

type ScheduleConfig = Pick<Config, "RECONCILE_AFTER_SECONDS" | "RECONCILE_GIVE_UP_SECONDS">;

/** The wait after this ask before the next one, seconds. */
export function nextIntervalSeconds(
  session: Pick<OpenSession, "intervalSeconds">,
  config: ScheduleConfig,
): number {
  const interval =
    session.intervalSeconds > 0
      ? session.intervalSeconds * 2
      : Math.max(config.RECONCILE_AFTER_SECONDS, MIN_INTERVAL_SECONDS);
  return Math.min(interval, MAX_INTERVAL_SECONDS);
}

/** The session has stayed unfinished RECONCILE_GIVE_UP_SECONDS past its token's expiry. */
export function isPastGiveUp(
  session: Pick<OpenSession, "tokenExpiresAtMs">,
  nowMs: number,
  config: ScheduleConfig,
): boolean {
  return nowMs - session.tokenExpiresAtMs >= config.RECONCILE_GIVE_UP_SECONDS * 1000;
}
