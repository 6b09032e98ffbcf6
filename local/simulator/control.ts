import * as z from "zod";
import type { SimulatorCore } from "./core";
import { faultInjectionSchema } from "./faults";
import { smsCode } from "./fraud-phone";
import { applyManualResult, expireVerification } from "./lifecycle";
import { TokenBucket } from "./rate-limit";
import { jsonReply, type Reply } from "./reply";
import type { FaultInjection, SimulatorControl } from "./types";

/** The programmatic control surface (brief/simulator-api.md). Misuse throws: it is a test bug. */
export function createControl(core: SimulatorCore): SimulatorControl {
  return {
    rotateCredentials(apiKey, apiSecret) {
      core.state.apiKey = apiKey;
      core.state.apiSecret = apiSecret;
    },
    setTokenBalance(n) {
      if (!Number.isInteger(n) || n < 0) throw new RangeError("token balance must be a non-negative integer");
      core.state.tokenBalance = n;
    },
    tokenBalance: () => core.state.tokenBalance,
    injectFault: (injection) => core.faults.inject(injection),
    clearFaults: () => core.faults.clear(),
    setRateLimit(requestsPerSecond) {
      if (requestsPerSecond !== null && !(requestsPerSecond > 0))
        throw new RangeError("rate limit must be > 0 or null");
      core.rateLimit = requestsPerSecond === null ? null : new TokenBucket(requestsPerSecond);
    },
    setWebhookUrl(url) {
      core.state.webhookUrl = url;
    },
    requests: () => core.requestLog.list(),
    clearRequests: () => core.requestLog.clear(),
    webhooks: () => core.webhooks.list(),
    clearWebhooks: () => core.webhooks.clear(),
    dropWebhooks(count) {
      if (!Number.isInteger(count) || count < 0) throw new RangeError("count must be an integer >= 0");
      core.webhooks.dropNext(count);
    },
    verification(scanRef) {
      const verification = core.state.get(scanRef);
      return verification === undefined ? undefined : structuredClone(verification);
    },
    flushWebhooks: () => core.webhooks.flush(),
    expire(scanRef) {
      const verification = core.state.get(scanRef);
      if (verification === undefined) return false;
      expireVerification(core, verification, Date.now());
      return true;
    },
    reviewPending(face, document) {
      let reviewed = 0;
      for (const verification of core.state.all()) {
        const automatic =
          verification.dummy &&
          ["APPROVED", "DENIED", "SUSPECTED"].includes(verification.status) &&
          verification.manualFace === null;
        if (!automatic) continue;
        applyManualResult(core, verification, face, document);
        reviewed += 1;
      }
      return reviewed;
    },
    smsCode: (requestId) => smsCode(core, requestId),
  };
}

const credentials = z.object({ apiKey: z.string().min(1), apiSecret: z.string().min(1) });
const balance = z.object({ balance: z.int().min(0) });
const rateLimit = z.object({ requestsPerSecond: z.number().positive().nullable() });
const webhookUrl = z.object({ url: z.url().nullable() });
const scanRef = z.object({ scanRef: z.string().min(1) });
const dropCount = z.object({ count: z.int().min(0) });

type Endpoint = (input: { query: URLSearchParams; json: () => unknown }) => Reply | Promise<Reply>;

/**
 * The same control over HTTP under /__control (no auth, loopback only), for a simulator started
 * with `npm run simulator` and driven by curl or another process.
 */
export function createControlHttp(control: SimulatorControl) {
  const ok = (value: unknown = { ok: true }): Reply => jsonReply(200, value);
  const withBody =
    <T>(schema: z.ZodType<T>, act: (value: T) => Reply | Promise<Reply>): Endpoint =>
    ({ json }) => {
      const parsed = schema.safeParse(json());
      return parsed.success ? act(parsed.data) : jsonReply(400, { error: z.prettifyError(parsed.error) });
    };

  const endpoints: Readonly<Record<string, Endpoint>> = {
    "POST /__control/credentials": withBody(credentials, ({ apiKey, apiSecret }) => {
      control.rotateCredentials(apiKey, apiSecret);
      return ok();
    }),
    "POST /__control/token-balance": withBody(balance, (value) => {
      control.setTokenBalance(value.balance);
      return ok({ balance: control.tokenBalance() });
    }),
    "GET /__control/token-balance": () => ok({ balance: control.tokenBalance() }),
    "POST /__control/faults": withBody(faultInjectionSchema, (value) => {
      control.injectFault(value as FaultInjection);
      return ok();
    }),
    "DELETE /__control/faults": () => {
      control.clearFaults();
      return ok();
    },
    "POST /__control/rate-limit": withBody(rateLimit, (value) => {
      control.setRateLimit(value.requestsPerSecond);
      return ok();
    }),
    "POST /__control/webhook-url": withBody(webhookUrl, (value) => {
      control.setWebhookUrl(value.url);
      return ok();
    }),
    "GET /__control/requests": () => ok(control.requests()),
    "DELETE /__control/requests": () => {
      control.clearRequests();
      return ok();
    },
    "GET /__control/webhooks": () => ok(control.webhooks()),
    "DELETE /__control/webhooks": () => {
      control.clearWebhooks();
      return ok();
    },
    "POST /__control/webhooks/drop": withBody(dropCount, (value) => {
      control.dropWebhooks(value.count);
      return ok();
    }),
    "POST /__control/webhooks/flush": async () => {
      await control.flushWebhooks();
      return ok();
    },
    "POST /__control/expire": withBody(scanRef, (value) =>
      control.expire(value.scanRef) ? ok() : jsonReply(404, { error: "no verification with this scanRef" }),
    ),
    "GET /__control/verification": ({ query }) => {
      const verification = control.verification(query.get("scanRef") ?? "");
      return verification === undefined
        ? jsonReply(404, { error: "no verification with this scanRef" })
        : ok(verification);
    },
    "GET /__control/sms-code": ({ query }) => {
      const code = control.smsCode(query.get("requestId") ?? "");
      return code === undefined ? jsonReply(404, { error: "no SMS with this requestId" }) : ok({ code });
    },
  };

  return async (method: string, path: string, query: URLSearchParams, body: Buffer): Promise<Reply> => {
    const endpoint = endpoints[`${method} ${path}`];
    if (endpoint === undefined) return jsonReply(404, { error: `no control endpoint ${method} ${path}` });
    let parsedBody: unknown;
    try {
      parsedBody = body.length === 0 ? {} : (JSON.parse(body.toString("utf8")) as unknown);
    } catch {
      return jsonReply(400, { error: "body is not valid JSON" });
    }
    return endpoint({ query, json: () => parsedBody });
  };
}
