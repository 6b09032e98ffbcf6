/**
 * Error identifiers Mark ID puts in its standard error body (markid-api.md §9).
 * The list is the single source: the union type, the runtime guard and the exhaustive
 * matcher all derive from it, so adding an identifier here fails the build wherever a
 * decision for it is missing.
 */
export const DOCUMENTED_IDENTIFIERS = [
  "INTERNAL_ERROR",
  "BAD_VALUE",
  "MISSING_VALUE",
  "UNAUTHORIZED",
  "ENCODING_ERROR",
  "JSON_ERROR",
  "TOKEN_NOT_VALID",
  "PARTNER_CONTRACT_ERROR",
  "METHOD_NOT_ALLOWED",
  "PERMISSIONS_ERROR",
] as const;

/** Seen only in iDenfy's documentation; the platform is shared, so expect them from Mark ID too. */
export const IDENFY_ONLY_IDENTIFIERS = ["TOO_MANY_REQUESTS", "VALIDATION_ERROR", "PARTNER_ERROR"] as const;

export const KNOWN_IDENTIFIERS = [...DOCUMENTED_IDENTIFIERS, ...IDENFY_ONLY_IDENTIFIERS] as const;

export type KnownIdentifier = (typeof KNOWN_IDENTIFIERS)[number];

const knownIdentifierSet: ReadonlySet<string> = new Set(KNOWN_IDENTIFIERS);

export function isKnownIdentifier(value: string): value is KnownIdentifier {
  return knownIdentifierSet.has(value);
}

/** One handler per known identifier; the compiler rejects a missing or misspelt key. */
export type IdentifierHandlers<R> = { readonly [K in KnownIdentifier]: (identifier: K) => R };

export function matchIdentifier<R>(identifier: KnownIdentifier, handlers: IdentifierHandlers<R>): R {
  const handler = handlers[identifier] as (identifier: KnownIdentifier) => R;
  return handler(identifier);
}
