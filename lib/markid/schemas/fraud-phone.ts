import * as z from "zod/mini";
import { alpha2, nullish, openString } from "./common";
import { e164Phone } from "./fraud-common";

/** Phone validation and SMS one-time codes (markid-api.md §10.5; iDenfy's pages add the limits). */

/** `POST /fraud/validate-phone`. */
export const validatePhoneRequestSchema = z.strictObject({
  phone_number: e164Phone(),
  /** Alpha-2 country of the user's current IP address. */
  current_location: z.optional(alpha2()),
});

export type ValidatePhoneRequest = z.input<typeof validatePhoneRequestSchema>;

/** iDenfy's documented reply; every field may be missing or null, enum-like ones stay open. */
export const validatePhoneResponseSchema = z.looseObject({
  /** 0–99, higher is riskier. */
  risk_score: nullish(z.number()),
  country_code: nullish(z.string()),
  current_network: nullish(z.string()),
  /** mobile, landline, landline_premium, landline_tollfree, virtual, unknown, pager. */
  current_route: nullish(openString()),
  original_network: nullish(z.string()),
  /** unknown, reachable, undeliverable, absent, bad_number, blacklisted. */
  availability: nullish(openString()),
  /** unknown, valid, not_valid, inferred, inferred_not_valid. */
  validity: nullish(openString()),
  /** unknown, roaming, not_roaming. */
  roaming: nullish(openString()),
  roaming_country: nullish(z.string()),
  roaming_network_name: nullish(z.string()),
  request_id: nullish(z.string()),
});

export type PhoneValidation = z.output<typeof validatePhoneResponseSchema>;

/** `POST /fraud/send-sms`. */
export const sendSmsRequestSchema = z.strictObject({
  phone_number: e164Phone(),
  /** Shown as the sender; Mark ID's default when omitted. */
  sender_name: z.optional(z.string().check(z.minLength(1), z.maxLength(11))),
});

export type SendSmsRequest = z.input<typeof sendSmsRequestSchema>;

export const sendSmsResponseSchema = z.looseObject({ request_id: z.string().check(z.minLength(1)) });

export type SendSmsResponse = z.output<typeof sendSmsResponseSchema>;

/** `POST /fraud/verify-sms`. iDenfy: request_id is 32–40 characters. */
export const verifySmsRequestSchema = z.strictObject({
  request_id: z.string().check(z.minLength(32), z.maxLength(40)),
  received_code: z.string().check(z.regex(/^\d{4}$/, "must be exactly 4 digits")),
});

export type VerifySmsRequest = z.input<typeof verifySmsRequestSchema>;

/** `false` also when the code was already used or too many wrong codes were tried. */
export const verifySmsResponseSchema = z.looseObject({ is_verified: z.boolean() });

export type VerifySmsResponse = z.output<typeof verifySmsResponseSchema>;
