import { logger } from "../observability/logger";
import { count } from "../observability/metrics";
import type { CredentialCheckSummary } from "./check-credentials";

/**
 * Logs the check's summary (every field is log-safe by construction: identifiers, statuses and
 * descriptions that never carry the key pair) and counts its outcome and the alerts it sent.
 */
export function reportCredentialCheck(summary: CredentialCheckSummary): void {
  const message = `credential check: ${summary.outcome}`;
  if (summary.outcome === "ok") logger.info(message, { summary });
  else logger.error(message, { summary });
  if (summary.suspectProbePath) {
    logger.warn(
      "credential check: the probe's reply suggests MARKID_PROBE_PATH is not a read-only endpoint",
      {
        probePath: summary.probePath,
        detail: summary.detail,
      },
    );
  }
  for (const alert of summary.alerts) {
    if (alert.error !== undefined) {
      logger.error("credential check: alert not recorded or not sent", { ...alert });
    }
  }
  count("CredentialCheck", { name: "outcome", value: summary.outcome });
  for (const alert of summary.alerts) {
    if (alert.sent) count("AlertSent", { name: "type", value: alert.type });
  }
}
