import { okAsync, type ResultAsync } from "neverthrow";
import type { Alerter } from "../../aws/alerts";
import type { AwsError } from "../../aws/aws-error";

/**
 * Resolves the token-limit alert once tokens are being made again (design.md §4.3: a resolved
 * alert once, when the condition clears).
 *
 * Every successful token proves the limit is over, but asking the alert state after each one
 * would add a DynamoDB write per verification for a condition that is almost never firing. So a
 * container remembers that it found nothing firing and asks again only after `recheckMs`, or at
 * once after it met the limit itself. The cost: when another container met the limit, the
 * resolved alert may come up to `recheckMs` after the first success here.
 */
export interface TokenLimitClearer {
  /** A token was made. `checked` says whether the alert state was consulted. */
  afterTokenCreated(): ResultAsync<{ readonly sent: boolean; readonly checked: boolean }, AwsError>;
  /** This container met the token limit: the next success must check. */
  noteLimitReached(): void;
}

const DEFAULT_TOKEN_LIMIT_RECHECK_MS = 60_000;

const TOKEN_LIMIT_RESOLVED_SUMMARY =
  "Mark ID token limit cleared: verification tokens are being created again";

export function createTokenLimitClearer(
  alerter: Pick<Alerter, "clear">,
  options: { readonly now: () => number; readonly recheckMs?: number },
): TokenLimitClearer {
  const recheckMs = options.recheckMs ?? DEFAULT_TOKEN_LIMIT_RECHECK_MS;
  let checkedAt: number | undefined;
  // Bumped when the limit is met, so a clear that was in flight meanwhile does not record "nothing firing".
  let generation = 0;

  return {
    afterTokenCreated() {
      const now = options.now();
      if (checkedAt !== undefined && now - checkedAt < recheckMs)
        return okAsync({ sent: false, checked: false });
      const startedIn = generation;
      return alerter.clear("markid.token-limit-reached", TOKEN_LIMIT_RESOLVED_SUMMARY).map(({ sent }) => {
        // Only a clear that went through counts: after a failure the next success tries again.
        if (generation === startedIn) checkedAt = now;
        return { sent, checked: true };
      });
    },
    noteLimitReached() {
      generation += 1;
      checkedAt = undefined;
    },
  };
}
