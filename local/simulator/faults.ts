import * as z from "zod";
import { apiError } from "./api-errors";
import { jsonReply, textReply, type Reply } from "./reply";
import type { FaultInjection, FaultSpec } from "./types";

/** Shape of a fault injection, checked at the HTTP control surface and on programmatic calls. */
export const faultSpecSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("latency"), ms: z.int().min(0).max(600_000) }),
  z.object({ type: z.literal("reset"), afterHandling: z.boolean().optional() }),
  z.object({ type: z.literal("html-5xx"), status: z.int().min(500).max(599).optional() }),
  z.object({ type: z.literal("truncated-json") }),
  z.object({
    type: z.literal("rate-limited"),
    retryAfterSeconds: z.int().min(0).optional(),
    withIdentifier: z.boolean().optional(),
  }),
  z.object({
    type: z.literal("identifier"),
    identifier: z.string().min(1),
    message: z.string().optional(),
    status: z.int().min(100).max(599).optional(),
  }),
  z.object({
    type: z.literal("http-status"),
    status: z.int().min(100).max(599),
    body: z.string().optional(),
  }),
]);

export const faultInjectionSchema = z.object({
  fault: faultSpecSchema,
  count: z.int().min(1).optional(),
  fraction: z.number().min(0).max(1).optional(),
  path: z.string().startsWith("/").optional(),
});

interface ActiveFault {
  readonly injection: FaultInjection;
  /** Requests still to fault; null for a fraction-based injection, which lasts until cleared. */
  remaining: number | null;
}

/** Injected faults, consulted in insertion order; the first that matches a request applies. */
export class FaultRegistry {
  private active: ActiveFault[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  /** Throws on an injection that does not make sense: it is a test author's mistake. */
  inject(injection: FaultInjection): void {
    const checked = faultInjectionSchema.safeParse(injection);
    if (!checked.success) throw new TypeError(`Invalid fault injection: ${z.prettifyError(checked.error)}`);
    const remaining = injection.fraction === undefined ? (injection.count ?? 1) : (injection.count ?? null);
    this.active.push({ injection, remaining });
  }

  clear(): void {
    this.active = [];
  }

  take(path: string): FaultSpec | undefined {
    for (const entry of this.active) {
      const { injection } = entry;
      if (injection.path !== undefined && injection.path !== path) continue;
      if (injection.fraction !== undefined && this.random() >= injection.fraction) continue;
      if (entry.remaining !== null) {
        entry.remaining -= 1;
        if (entry.remaining <= 0) this.active = this.active.filter((other) => other !== entry);
      }
      return injection.fault;
    }
    return undefined;
  }
}

/** What the server does for a fault: answer instead, delay, drop the connection, or cut the body. */
export type FaultPlan =
  | { readonly kind: "reply"; readonly reply: Reply }
  | { readonly kind: "delay"; readonly ms: number }
  | { readonly kind: "reset"; readonly afterHandling: boolean }
  | { readonly kind: "truncate" };

export function planFault(fault: FaultSpec): FaultPlan {
  switch (fault.type) {
    case "latency":
      return { kind: "delay", ms: fault.ms };
    case "reset":
      return { kind: "reset", afterHandling: fault.afterHandling ?? false };
    case "truncated-json":
      return { kind: "truncate" };
    case "html-5xx":
      return { kind: "reply", reply: gatewayPage(fault.status ?? 502) };
    case "rate-limited":
      return { kind: "reply", reply: rateLimited(fault.retryAfterSeconds, fault.withIdentifier ?? false) };
    case "identifier":
      return {
        kind: "reply",
        reply: apiError(
          fault.identifier,
          fault.message ?? `Simulated ${fault.identifier}.`,
          fault.status ?? 400,
        ),
      };
    case "http-status":
      return { kind: "reply", reply: plainStatus(fault.status, fault.body) };
  }
}

/** The reply with its JSON body cut in half: a complete HTTP response whose body does not parse. */
export function truncate(reply: Reply): Reply {
  const original = reply.body?.toString() ?? "";
  const body = original.length > 0 ? original : '{"message":"ok"}';
  return {
    status: reply.status,
    headers: { "Content-Type": "application/json" },
    body: body.slice(0, Math.floor(body.length / 2)),
  };
}

const GATEWAY_TITLES: Readonly<Record<number, string>> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Temporarily Unavailable",
  504: "Gateway Time-out",
};

function gatewayPage(status: number): Reply {
  const title = `${status} ${GATEWAY_TITLES[status] ?? "Server Error"}`;
  return textReply(
    status,
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
    "text/html",
  );
}

function rateLimited(retryAfterSeconds: number | undefined, withIdentifier: boolean): Reply {
  const headers: Record<string, string> =
    retryAfterSeconds === undefined ? {} : { "Retry-After": String(retryAfterSeconds) };
  if (withIdentifier) return apiError("TOO_MANY_REQUESTS", "Request was throttled.", 429, headers);
  return {
    status: 429,
    headers: { "Content-Type": "text/plain; charset=utf-8", ...headers },
    body: "Too Many Requests",
  };
}

// iDenfy's documented bodies for statuses that carry no identifier (markid-api.md §9.4).
const PLAIN_STATUS_DETAILS: Readonly<Record<number, string>> = {
  401: "Invalid authorization credentials",
  402: "Action not allowed due to lack of funds or exceeded limit.",
  403: "Partner inactive",
  404: "Not found.",
};

function plainStatus(status: number, body: string | undefined): Reply {
  if (body === undefined) {
    const detail = PLAIN_STATUS_DETAILS[status];
    return detail === undefined ? { status } : jsonReply(status, { detail });
  }
  return textReply(status, body, looksLikeJson(body) ? "application/json" : "text/plain; charset=utf-8");
}

function looksLikeJson(body: string): boolean {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}
