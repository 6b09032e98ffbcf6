import * as z from "zod/mini";
import { nullish, openString } from "./common";

/**
 * Building blocks of the fraud and AML schemas (markid-api.md §10). Same policy as common.ts:
 * requests checked against the documented constraints, replies tolerant (unknown fields kept,
 * enum-like values as plain strings).
 */

/** The six levels of `fraud_level` and `risk_level` (§10.1, §10.2); a reply may carry new ones. */
export const FRAUD_LEVELS = ["VERY_LOW", "LOW", "MEDIUM", "HIGH", "VERY_HIGH", "NOT_CHECKED"] as const;
export type FraudLevel = (typeof FRAUD_LEVELS)[number];

export const ipAddress = () => z.union([z.ipv4(), z.ipv6()], { error: "must be an IPv4 or IPv6 address" });

/** ISO 3166-1 alpha-3 (the fraud check's `nationality` filter); either case, as alpha2(). */
export const alpha3 = () =>
  z.string().check(z.regex(/^[A-Za-z]{3}$/, "must be an ISO 3166-1 alpha-3 country code"));

/** Alpha-2 or alpha-3: AML monitoring takes either (§10.4). */
export const alpha2or3 = () =>
  z.string().check(z.regex(/^[A-Za-z]{2,3}$/, "must be an ISO 3166-1 alpha-2 or alpha-3 country code"));

/** `+` and up to 15 digits, no leading zero: the phone services' documented format. */
export const e164Phone = () => z.e164("must be a phone number in E.164 format (e.g. +37060000000)");

/** A monitoring entry's identifier, as add-aml-user returned it. */
export const monitoringId = () => z.string().check(z.minLength(1), z.maxLength(100));

/**
 * One service's result in a fraud check or monitoring reply (§7.9). `data` holds hits whose shape
 * depends on the service (name hits, adverse-media articles, LID records, company reports), so its
 * entries stay open records.
 */
export const serviceResultSchema = z.looseObject({
  status: nullish(
    z.looseObject({
      serviceSuspected: nullish(z.boolean()),
      checkSuccessful: nullish(z.boolean()),
      serviceFound: nullish(z.boolean()),
      serviceUsed: nullish(z.boolean()),
      overallStatus: nullish(openString()),
    }),
  ),
  serviceName: nullish(z.string()),
  serviceGroupType: nullish(z.string()),
  uid: nullish(z.string()),
  errorMessage: nullish(z.string()),
  data: nullish(z.array(z.record(z.string(), z.unknown()))),
});

export type ServiceResult = z.output<typeof serviceResultSchema>;
