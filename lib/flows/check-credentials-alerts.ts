import type { AlertType } from "../messages";

/** How a credential check ended. */
export type CredentialCheckOutcome =
  /** Mark ID answered something other than UNAUTHORIZED: the key pair works. */
  | "ok"
  /** UNAUTHORIZED (or 401), still after re-reading the secret. */
  | "credentials-invalid"
  /** Mark ID unreachable or failing transiently past the retries, the deadline or the retry budget. */
  | "unavailable"
  /** The secret could not be read (Secrets Manager failing, secret missing, malformed or forbidden). */
  | "secrets-unavailable"
  /** The client refused to send the probe (MARKID_PROBE_PATH is not a plain read-only path). */
  | "probe-refused";

export interface AlertStep {
  readonly action: "raise" | "clear";
  readonly type: AlertType;
  /** One line, also the SNS Subject: identifiers and log-safe descriptions only. */
  readonly summary: string;
}

export interface AlertFacts {
  readonly probePath: string;
  /** Log-safe description of the reply or the failure. */
  readonly detail: string;
  /** For secrets-unavailable: the failure needs an operator (missing, forbidden, malformed), not a wait. */
  readonly secretPermanentlyUnusable: boolean;
}

/**
 * The alerts a check raises or clears. The check owns two conditions — the key pair works, Mark ID
 * answers — so it clears only those two; other alert types are cleared by the flows that raise them.
 * Raising is deduplicated per window and clearing sends a resolved alert only when the type was
 * firing (lib/aws/alerts.ts), so a check every 15 minutes alerts once per window, resolves once.
 */
export function credentialCheckAlerts(
  outcome: CredentialCheckOutcome,
  facts: AlertFacts,
): readonly AlertStep[] {
  const probe = `probe POST ${facts.probePath}`;
  const markIdAnswers: AlertStep = {
    action: "clear",
    type: "markid.unavailable",
    summary: `Mark ID answers the credential check again (${probe})`,
  };
  switch (outcome) {
    case "ok":
      return [
        {
          action: "clear",
          type: "markid.credentials-invalid",
          summary: `Mark ID accepts the API key pair again (${probe}: ${facts.detail})`,
        },
        markIdAnswers,
      ];
    case "credentials-invalid":
      return [
        {
          action: "raise",
          type: "markid.credentials-invalid",
          summary: `Mark ID refuses the API key pair even after re-reading the secret (${probe}: ${facts.detail})`,
        },
        markIdAnswers,
      ];
    case "unavailable":
      return [
        {
          action: "raise",
          type: "markid.unavailable",
          summary: `Mark ID unavailable to the credential check (${probe}): ${facts.detail}`,
        },
      ];
    case "secrets-unavailable":
      // A throttled or failing Secrets Manager is left to the next run; a secret that is gone,
      // forbidden or malformed leaves every function without usable credentials until fixed.
      return facts.secretPermanentlyUnusable
        ? [
            {
              action: "raise",
              type: "markid.credentials-invalid",
              summary: `Mark ID credentials unusable: ${facts.detail}`,
            },
          ]
        : [];
    case "probe-refused":
      return [
        {
          action: "raise",
          type: "markid.client-error",
          summary: `Credential check cannot run: MARKID_PROBE_PATH refused (${facts.detail})`,
        },
      ];
  }
}
