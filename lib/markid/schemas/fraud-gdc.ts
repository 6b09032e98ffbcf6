import * as z from "zod/mini";
import { idString, nullish } from "./common";

/**
 * `POST /api/v2/check-gdc-api`: a person checked against global data sources (markid-api.md
 * §10.5). Mark ID's table asks for `dateOfBirth` as MM/DD/YYYY while its example sends
 * YYYY-MM-DD: both are accepted.
 */

/** The documented reliability codes: 10 pass, 20 probable, 30 doubtful. */
export const GDC_RELIABILITY = { PASS: "10", PROBABLE: "20", DOUBTFUL: "30" } as const;

const dateOfBirth = () =>
  z
    .string()
    .check(
      z.regex(/^(\d{4}-\d{2}-\d{2}|\d{2}\/\d{2}\/\d{4})$/, "must be a date as YYYY-MM-DD or MM/DD/YYYY"),
    );

const text = () => z.optional(z.string().check(z.minLength(1), z.maxLength(255)));

export const checkGdcRequestSchema = z
  .strictObject({
    name: text(),
    surname: text(),
    /** National ID / social security number. */
    ssnNumber: text(),
    dateOfBirth: z.optional(dateOfBirth()),
  })
  .check(
    z.superRefine((request, context) => {
      const byName = request.name !== undefined && request.surname !== undefined;
      if (byName || request.ssnNumber !== undefined) return;
      // Name the field whose absence breaks the rule: the half-given name pair, else ssnNumber.
      const field =
        request.name !== undefined ? "surname" : request.surname !== undefined ? "name" : "ssnNumber";
      context.addIssue({
        code: "custom",
        message: "name and surname, or ssnNumber, is required",
        path: [field],
        input: request,
      });
    }),
  );

export type CheckGdcRequest = z.input<typeof checkGdcRequestSchema>;

/** The matched identity (many GDC fields, kept as they come) and its `codes`. */
export const checkGdcResponseSchema = z.looseObject({
  completename: nullish(z.string()),
  countryCode: nullish(z.string()),
  codes: nullish(
    z.looseObject({
      /** "10", "20" or "30"; a number is kept as its string. */
      reliability: nullish(idString()),
      messages: nullish(z.array(z.looseObject({ code: nullish(z.string()), value: nullish(z.string()) }))),
    }),
  ),
});

export type GdcCheckResponse = z.output<typeof checkGdcResponseSchema>;
