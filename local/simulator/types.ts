/**
 * Public contract of the Mark ID simulator (brief/simulator-api.md), plus a few additive options
 * marked "addition". Users import these from `local/simulator` (index.ts), never from here.
 */

export interface SimulatorContract {
  generateDigitString?: boolean;
  callbackUrl?: boolean;
  fraud?: boolean;
  aml?: boolean;
}

export type UnauthorizedStyle =
  /** Mark ID's documented style: 400 with the standard body, identifier UNAUTHORIZED. */
  | "identifier-400"
  /** iDenfy's style: 401 `{"detail":"Invalid authorization credentials"}`, no identifier. */
  | "plain-401";

export interface SimulatorOptions {
  host?: string; // default "127.0.0.1"
  port?: number; // default 0 (random)
  apiKey?: string; // default "local-api-key"
  apiSecret?: string; // default "local-api-secret"
  tokenBalance?: number; // default 1000; each successful POST /api/v2/token spends one
  webhookUrl?: string; // where result webhooks go; none → not sent (still recorded)
  webhookSigningKey?: string; // default "local-signing-key"
  signatureHeader?: string; // default "Idenfy-Signature"
  environment?: "DEV" | "PRODUCTION"; // default "DEV"
  contract?: SimulatorContract; // default all true
  tokenExpirySeconds?: number; // default 86400
  /** Addition: how bad credentials are answered. Default "identifier-400". */
  unauthorizedStyle?: UnauthorizedStyle;
  /** Addition: resends after a non-200 webhook reply (Mark ID: up to 3). Default 3. */
  webhookRetries?: number;
  /** Addition: pause between webhook attempts (Mark ID: 0.5 s). Default 500. */
  webhookRetryIntervalMs?: number;
  /** Addition: per-attempt webhook timeout. Default 10000. */
  webhookTimeoutMs?: number;
}

export interface Simulator {
  readonly url: string;
  readonly control: SimulatorControl;
  close(): Promise<void>;
}

export type FaultSpec =
  | { type: "latency"; ms: number }
  /**
   * Destroy the socket without a reply. Addition: `afterHandling: true` first runs the request
   * (a token is created and spent) and then drops the reply — the "unknown outcome" case.
   */
  | { type: "reset"; afterHandling?: boolean }
  | { type: "html-5xx"; status?: number }
  | { type: "truncated-json" }
  | { type: "rate-limited"; retryAfterSeconds?: number; withIdentifier?: boolean }
  | { type: "identifier"; identifier: string; message?: string; status?: number }
  | { type: "http-status"; status: number; body?: string };

export interface FaultInjection {
  fault: FaultSpec;
  count?: number;
  fraction?: number;
  path?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
  authorized: boolean;
  status: number;
}

export interface WebhookDelivery {
  url: string;
  body: string;
  signature: string;
  /**
   * Addition: "skipped" when no webhook URL was configured (recorded, not sent); "dropped" when a
   * dropWebhooks fault lost it with all its resends (recorded, never sent).
   */
  status: number | "error" | "skipped" | "dropped";
  at: number;
  /** Addition: 1 for the first attempt, 2.. for resends of the same body. */
  attempt: number;
}

export interface SimulatorControl {
  rotateCredentials(apiKey: string, apiSecret: string): void;
  setTokenBalance(n: number): void;
  tokenBalance(): number;
  injectFault(injection: FaultInjection): void;
  clearFaults(): void;
  setRateLimit(requestsPerSecond: number | null): void;
  setWebhookUrl(url: string | null): void;
  requests(): readonly RecordedRequest[];
  clearRequests(): void;
  webhooks(): readonly WebhookDelivery[];
  verification(scanRef: string): unknown;
  flushWebhooks(): Promise<void>;
  /**
   * Addition: age a verification past its token expiry, as if `expiryTime` had passed. An unused
   * token becomes EXPIRED (and its EXPIRED webhook is sent); any expired verification can be
   * deleted. Returns false when the scanRef is unknown.
   */
  expire(scanRef: string): boolean;
  /** Addition: forget recorded webhook deliveries. */
  clearWebhooks(): void;
  /**
   * Addition: a reviewer works through the queue: every dummy verification with an automatic
   * result and no manual decision gets `face` and `document` as its manual review (§4.2), and its
   * final webhook. Returns how many were reviewed.
   */
  reviewPending(face: string, document: string): number;
  /**
   * Addition: a fault of Mark ID's side: the next `count` webhooks are lost outright, resends
   * included (recorded as "dropped", never sent), as when its resend window passes during an
   * outage of ours. 0 clears it.
   */
  dropWebhooks(count: number): void;
  /** Addition: the code /fraud/send-sms "sent" for this request_id; undefined when unknown. */
  smsCode(requestId: string): string | undefined;
}
