import { BlockList, isIP } from "node:net";
import * as z from "zod";
import { apiError } from "./api-errors";
import { contractRefusal } from "./fraud-contract";
import { jsonReply, type Reply } from "./reply";
import type { RouteContext, RouteTable } from "./route";
import { alpha2, parseRequest } from "./validation";

// POST /fraud/estimate-fraud-probability and /fraud/proxy-check (markid-api.md §10.1, §10.2).

export const FRAUD_LEVELS = ["NOT_CHECKED", "VERY_LOW", "LOW", "MEDIUM", "HIGH", "VERY_HIGH"] as const;
export type FraudLevel = (typeof FRAUD_LEVELS)[number];

/**
 * Deterministic risk by address block, so tests pick the answer by picking the address: the
 * documentation ranges of RFC 5737 / RFC 3849 map to rising levels, private and loopback
 * addresses are NOT_CHECKED (nothing to look up), every other address is VERY_LOW.
 */
const RISK_BLOCKS: readonly (readonly [FraudLevel, BlockList])[] = [
  ["LOW", blocks([["192.0.2.0", 24, "ipv4"]])],
  ["MEDIUM", blocks([["198.51.100.0", 24, "ipv4"]])],
  ["HIGH", blocks([["203.0.113.0", 24, "ipv4"]])],
  ["VERY_HIGH", blocks([["2001:db8::", 32, "ipv6"]])],
  [
    "NOT_CHECKED",
    blocks([
      ["10.0.0.0", 8, "ipv4"],
      ["172.16.0.0", 12, "ipv4"],
      ["192.168.0.0", 16, "ipv4"],
      ["127.0.0.0", 8, "ipv4"],
      ["169.254.0.0", 16, "ipv4"],
      ["::1", 128, "ipv6"],
      ["fc00::", 7, "ipv6"],
      ["fe80::", 10, "ipv6"],
    ]),
  ],
];

function blocks(subnets: readonly (readonly [string, number, "ipv4" | "ipv6"])[]): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of subnets) list.addSubnet(network, prefix, family);
  return list;
}

export function ipRiskLevel(ip: string): FraudLevel {
  const family = isIP(ip) === 6 ? "ipv6" : "ipv4";
  return RISK_BLOCKS.find(([, list]) => list.check(ip, family))?.[0] ?? "VERY_LOW";
}

/** Addresses on the reserved `.invalid` TLD (RFC 2606) are the simulator's risky e-mails. */
function emailLevel(address: string | undefined, domain: string | undefined): FraudLevel | undefined {
  const host = domain ?? address?.split("@").pop();
  if (host === undefined) return undefined;
  return host.toLowerCase().endsWith(".invalid") ? "HIGH" : "VERY_LOW";
}

const ipAddress = z.union([z.ipv4(), z.ipv6()], { error: "must be an IPv4 or IPv6 address" });
const upTo = (max: number) => z.string().max(max).optional();

const estimateRequest = z.object({
  user_agent: upTo(512),
  accept_language: z.string().optional(),
  ip_address: ipAddress.optional(),
  first_name: upTo(255),
  last_name: upTo(255),
  email_address: upTo(255),
  email_domain: upTo(255),
  street_address: upTo(255),
  city: upTo(255),
  postal_code: upTo(255),
  phone_number: upTo(255),
  country: alpha2.optional(),
  phone_country_code: upTo(4),
  credit_card_number_6: z
    .string()
    .regex(/^\d{6}$/, "must be exactly 6 digits")
    .optional(),
  credit_card_last_4_digits: z
    .string()
    .regex(/^\d{4}$/, "must be exactly 4 digits")
    .optional(),
});

function estimateFraudProbability(context: RouteContext): Reply {
  const refused = contractRefusal(context.core, "fraud");
  if (refused !== undefined) return refused;
  const parsed = parseRequest(estimateRequest, context.body);
  if (!parsed.ok) return parsed.reply;
  const request = parsed.value;
  if (Object.values(request).every((value) => value === undefined)) {
    return apiError("MISSING_VALUE", "At least one of the parameters must be provided.");
  }
  // The riskiest signal wins; with no signal to judge (only headers, names…) nothing is checked.
  const signals = [
    request.ip_address === undefined ? undefined : ipRiskLevel(request.ip_address),
    emailLevel(request.email_address, request.email_domain),
  ].filter((level): level is FraudLevel => level !== undefined && level !== "NOT_CHECKED");
  const level = signals.reduce<FraudLevel>(
    (worst, next) => (FRAUD_LEVELS.indexOf(next) > FRAUD_LEVELS.indexOf(worst) ? next : worst),
    "NOT_CHECKED",
  );
  return jsonReply(200, { fraud_level: level });
}

const proxyCheckRequest = z.object({ ip_address: ipAddress });

function proxyCheck(context: RouteContext): Reply {
  const refused = contractRefusal(context.core, "fraud");
  if (refused !== undefined) return refused;
  const parsed = parseRequest(proxyCheckRequest, context.body);
  if (!parsed.ok) return parsed.reply;
  return jsonReply(200, { risk_level: ipRiskLevel(parsed.value.ip_address) });
}

export const fraudSignalRoutes: RouteTable = {
  "/fraud/estimate-fraud-probability": { method: "POST", auth: true, handle: estimateFraudProbability },
  "/fraud/proxy-check": { method: "POST", auth: true, handle: proxyCheck },
};
