import { createHash, randomUUID } from "node:crypto";
import * as z from "zod";
import { badValue } from "./api-errors";
import type { SimulatorCore } from "./core";
import { contractRefusal } from "./fraud-contract";
import { fraudState } from "./fraud-state";
import { jsonReply, type Reply } from "./reply";
import type { Route, RouteContext, RouteTable } from "./route";
import { alpha2, parseRequest } from "./validation";

// POST /fraud/validate-phone, /fraud/send-sms, /fraud/verify-sms (markid-api.md §10.5; limits and
// reply fields from iDenfy's phone pages).

/** The SMS says "Valid for 5 minutes" (iDenfy). */
export const SMS_CODE_TTL_MS = 5 * 60 * 1000;
/** Wrong codes tolerated before the request is burnt ("provided too many times"). */
export const SMS_MAX_WRONG_ATTEMPTS = 3;

const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, "must be a phone number in E.164 format");

/** A few country codes the simulator "knows"; a number elsewhere validates with unknown details. */
const CARRIERS: readonly (readonly [prefix: string, country: string, network: string])[] = [
  ["+370", "LT", "Simulated Mobile LT"],
  ["+371", "LV", "Simulated Mobile LV"],
  ["+372", "EE", "Simulated Mobile EE"],
  ["+44", "GB", "Simulated Mobile UK"],
  ["+49", "DE", "Simulated Mobile DE"],
  ["+1", "US", "Simulated Wireless US"],
];

const validatePhoneRequest = z.object({ phone_number: e164, current_location: alpha2.optional() });

function validatePhone(context: RouteContext): Reply {
  const parsed = parseRequest(validatePhoneRequest, context.body);
  if (!parsed.ok) return parsed.reply;
  const { phone_number: phone, current_location: location } = parsed.value;
  // iDenfy: a number that is not a mobile one may be answered with an empty string. Lithuanian
  // mobile numbers start +3706, so any other +370 number plays that case.
  if (phone.startsWith("+370") && !phone.startsWith("+3706")) return jsonReply(200, "");
  const carrier = CARRIERS.find(([prefix]) => phone.startsWith(prefix));
  const country = carrier?.[1] ?? null;
  const roaming = location !== undefined && country !== null && location !== country;
  return jsonReply(200, {
    risk_score: riskScore(phone),
    country_code: country,
    current_network: carrier?.[2] ?? null,
    current_route: carrier === undefined ? "unknown" : "mobile",
    original_network: carrier?.[2] ?? null,
    availability: carrier === undefined ? "unknown" : "reachable",
    validity: carrier === undefined ? "unknown" : "valid",
    roaming: carrier === undefined ? "unknown" : roaming ? "roaming" : "not_roaming",
    roaming_country: roaming ? location : null,
    roaming_network_name: roaming ? `Simulated Mobile ${location}` : null,
    request_id: randomUUID().replace(/-/g, ""),
  });
}

/** 0–99 and the same for the same number, so tests can rely on it. */
function riskScore(phone: string): number {
  return createHash("sha256").update(phone).digest().readUInt16BE(0) % 100;
}

const sendSmsRequest = z.object({ phone_number: e164, sender_name: z.string().min(1).max(11).optional() });

function sendSms(context: RouteContext): Reply {
  const parsed = parseRequest(sendSmsRequest, context.body);
  if (!parsed.ok) return parsed.reply;
  // 32 hex characters, as iDenfy's example; nothing is sent to the phone.
  const requestId = randomUUID().replace(/-/g, "");
  fraudState(context.core).sms.set(requestId, {
    code: smsCodeFor(requestId),
    sentAt: context.now,
    wrongAttempts: 0,
    verified: false,
  });
  return jsonReply(200, { request_id: requestId });
}

/**
 * The code "sent" for a request: derived from its request_id, so it is fixed and readable (the
 * control surface's smsCode), yet differs between requests.
 */
export function smsCodeFor(requestId: string): string {
  return String(createHash("sha256").update(requestId).digest().readUInt32BE(0) % 10_000).padStart(4, "0");
}

/** The code of a request sent by this simulator, or undefined when the request_id is unknown. */
export function smsCode(core: SimulatorCore, requestId: string): string | undefined {
  return fraudState(core).sms.get(requestId)?.code;
}

const verifySmsRequest = z.object({
  request_id: z.string().min(32).max(40),
  received_code: z.string().regex(/^\d{4}$/, "must be exactly 4 digits"),
});

/** `is_verified` is false for a wrong, reused or expired code, and after too many wrong ones. */
function verifySms(context: RouteContext): Reply {
  const parsed = parseRequest(verifySmsRequest, context.body);
  if (!parsed.ok) return parsed.reply;
  const challenge = fraudState(context.core).sms.get(parsed.value.request_id);
  if (challenge === undefined) return badValue("request_id", "no SMS was sent with this request_id");
  const usable =
    !challenge.verified &&
    challenge.wrongAttempts < SMS_MAX_WRONG_ATTEMPTS &&
    context.now - challenge.sentAt <= SMS_CODE_TTL_MS;
  if (!usable) return jsonReply(200, { is_verified: false });
  if (parsed.value.received_code !== challenge.code) {
    challenge.wrongAttempts += 1;
    return jsonReply(200, { is_verified: false });
  }
  challenge.verified = true;
  return jsonReply(200, { is_verified: true });
}

function fraudRoute(handle: (context: RouteContext) => Reply): Route {
  return {
    method: "POST",
    auth: true,
    handle: (context) => contractRefusal(context.core, "fraud") ?? handle(context),
  };
}

export const fraudPhoneRoutes: RouteTable = {
  "/fraud/validate-phone": fraudRoute(validatePhone),
  "/fraud/send-sms": fraudRoute(sendSms),
  "/fraud/verify-sms": fraudRoute(verifySms),
};
