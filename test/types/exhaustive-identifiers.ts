/**
 * Compile-time test (checked by `tsc --noEmit`, never run): matching on an identifier must name
 * every known identifier. If a `@ts-expect-error` below stops finding an error, tsc fails with
 * "Unused '@ts-expect-error' directive", so the guarantee cannot silently erode.
 */
import { matchIdentifier } from "../../lib/markid/identifiers";
import type { IdentifierHandlers, KnownIdentifier } from "../../lib/markid/identifiers";

type Decision = "retry" | "alert" | "reject";

const complete: IdentifierHandlers<Decision> = {
  INTERNAL_ERROR: () => "retry",
  BAD_VALUE: () => "reject",
  MISSING_VALUE: () => "reject",
  UNAUTHORIZED: () => "alert",
  ENCODING_ERROR: () => "alert",
  JSON_ERROR: () => "alert",
  TOKEN_NOT_VALID: () => "retry",
  PARTNER_CONTRACT_ERROR: () => "alert",
  METHOD_NOT_ALLOWED: () => "alert",
  PERMISSIONS_ERROR: () => "alert",
  TOO_MANY_REQUESTS: () => "retry",
  VALIDATION_ERROR: () => "reject",
  PARTNER_ERROR: () => "reject",
};

export function decideComplete(identifier: KnownIdentifier): Decision {
  return matchIdentifier(identifier, complete);
}

export function decideMissingBranch(identifier: KnownIdentifier): Decision {
  const { PARTNER_ERROR: _omitted, ...withoutPartnerError } = complete;
  // @ts-expect-error PARTNER_ERROR has no handler: the compiler must refuse the match.
  return matchIdentifier(identifier, withoutPartnerError);
}

export function decideMissingInlineBranch(identifier: KnownIdentifier): Decision {
  return matchIdentifier(
    identifier,
    // @ts-expect-error TOO_MANY_REQUESTS is missing from an inline handler object.
    {
      INTERNAL_ERROR: () => "retry",
      BAD_VALUE: () => "reject",
      MISSING_VALUE: () => "reject",
      UNAUTHORIZED: () => "alert",
      ENCODING_ERROR: () => "alert",
      JSON_ERROR: () => "alert",
      TOKEN_NOT_VALID: () => "retry",
      PARTNER_CONTRACT_ERROR: () => "alert",
      METHOD_NOT_ALLOWED: () => "alert",
      PERMISSIONS_ERROR: () => "alert",
      VALIDATION_ERROR: () => "reject",
      PARTNER_ERROR: () => "reject",
    },
  );
}

export function decideMisspeltBranch(identifier: KnownIdentifier): Decision {
  return matchIdentifier(identifier, {
    ...complete,
    // @ts-expect-error an identifier that does not exist is refused too (a typo, not a new branch).
    PARTNER_ERORR: () => "reject",
  });
}
