import * as z from "zod/mini";

/**
 * Building blocks shared by the endpoint schemas.
 *
 * Requests are checked against the documented constraints (markid-api.md §3–§6) so a call that
 * is sure to fail is not sent; where Mark ID and iDenfy disagree we take the more permissive rule
 * (the server stays the judge), and where Mark ID is silent we use iDenfy's.
 * Responses are tolerant: unknown fields pass through, enum-like fields are plain strings (new
 * values appear without notice), nullable where the docs say a value may be absent.
 */

/** ISO 3166-1 alpha-2; either case, since the docs do not say which the API insists on. */
export const alpha2 = () =>
  z.string().check(z.regex(/^[A-Za-z]{2}$/, "must be an ISO 3166-1 alpha-2 country code"));

const DATE_RULE = "must be a date in YYYY-MM-DD format";

/** `YYYY-MM-DD`, and a real calendar date (checked by hand: z.iso adds to every cold start). */
export const isoDate = () =>
  z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, DATE_RULE), z.refine(isCalendarDate, DATE_RULE));

function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

export const boundedString = (min: number, max: number) =>
  z.string().check(z.minLength(min), z.maxLength(max));

/** A scanRef as the API issues it (≤ 40 characters, markid-api.md §3.3). */
export const scanRef = () => boundedString(1, 40);

/** An optional request field whose documented default is `null`, so sending `null` is meaningful. */
export const optionalNullable = <T extends z.ZodMiniType>(schema: T) => z.optional(z.nullable(schema));

/** A response field that may be absent or null. */
export const nullish = <T extends z.ZodMiniType>(schema: T) => z.optional(z.nullable(schema));

/** An identifier the 2021 iDenfy docs typed as int in places: accepted as a number, kept as a string. */
export const idString = () =>
  z.pipe(
    z.union([z.string(), z.number()]),
    z.transform((value) => String(value)),
  );

/** An enum-like response field: any string, so a new value is kept rather than refused. */
export const openString = () => z.string();

export const stringList = () => z.array(z.string());
