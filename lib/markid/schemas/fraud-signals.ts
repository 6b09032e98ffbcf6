import * as z from "zod/mini";
import { alpha2, openString } from "./common";
import { ipAddress } from "./fraud-common";

const upTo = (max: number) => z.optional(z.string().check(z.maxLength(max)));
const digits = (count: number) =>
  z.optional(z.string().check(z.regex(new RegExp(`^\\d{${count}}$`), `must be exactly ${count} digits`)));

/** §10.1 fields; every one optional, but a request without any is refused. */
const estimateFields = {
  user_agent: upTo(512),
  accept_language: z.optional(z.string()),
  ip_address: z.optional(ipAddress()),
  first_name: upTo(255),
  last_name: upTo(255),
  email_address: upTo(255),
  email_domain: upTo(255),
  street_address: upTo(255),
  city: upTo(255),
  postal_code: upTo(255),
  /** Without the country code (that goes in phone_country_code). */
  phone_number: upTo(255),
  country: z.optional(alpha2()),
  /** e.g. `+370`; the docs' own example sends `1`. */
  phone_country_code: upTo(4),
  credit_card_number_6: digits(6),
  credit_card_last_4_digits: digits(4),
};

/** `POST /fraud/estimate-fraud-probability`. Strict, so a misspelt field is named, not dropped. */
export const estimateFraudRequestSchema = z.strictObject(estimateFields).check(
  z.refine((request) => Object.values(request).some((value) => value !== undefined), {
    message: "at least one field is required",
  }),
);

export type EstimateFraudRequest = z.input<typeof estimateFraudRequestSchema>;

export const estimateFraudResponseSchema = z.looseObject({ fraud_level: openString() });

export type EstimateFraudResponse = z.output<typeof estimateFraudResponseSchema>;

/** `POST /fraud/proxy-check`. */
export const proxyCheckRequestSchema = z.strictObject({ ip_address: ipAddress() });

export type ProxyCheckRequest = z.input<typeof proxyCheckRequestSchema>;

export const proxyCheckResponseSchema = z.looseObject({ risk_level: openString() });

export type ProxyCheckResponse = z.output<typeof proxyCheckResponseSchema>;
