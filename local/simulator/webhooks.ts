import { createHmac } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { WebhookDelivery } from "./types";

export interface WebhookSenderOptions {
  readonly signingKey: string;
  readonly signatureHeader: string;
  readonly retries: number;
  readonly retryIntervalMs: number;
  readonly timeoutMs: number;
}

/** Mark ID signs the exact raw body: lowercase hex HMAC-SHA256 (markid-api.md §7.4). */
export function signBody(body: Buffer, key: string): string {
  return createHmac("sha256", key).update(body).digest("hex");
}

/**
 * Delivers result webhooks in the background, as Mark ID does: POST, JSON, signed; a reply other
 * than exactly 200 is resent up to `retries` times every `retryIntervalMs` (§7.3). Every attempt
 * is recorded so tests can assert on what a receiver saw.
 */
export class WebhookSender {
  private readonly deliveries: WebhookDelivery[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly stop = new AbortController();
  private toDrop = 0;

  constructor(private readonly options: WebhookSenderOptions) {}

  /**
   * Schedule a delivery; returns at once. `url` null records the body as "skipped"; a delivery
   * dropped by `dropNext` is recorded as "dropped" and never sent.
   */
  send(url: string | null, payload: unknown): void {
    const body = Buffer.from(JSON.stringify(payload));
    const signature = signBody(body, this.options.signingKey);
    if (url === null || this.toDrop > 0) {
      const dropped = url !== null;
      if (dropped) this.toDrop -= 1;
      this.deliveries.push({
        url: url ?? "",
        body: body.toString(),
        signature,
        status: dropped ? "dropped" : "skipped",
        at: Date.now(),
        attempt: 1,
      });
      return;
    }
    // setImmediate first: the API reply that caused the webhook leaves before the webhook does.
    const task = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.deliver(url, body, signature))
      .finally(() => this.pending.delete(task));
    this.pending.add(task);
  }

  /** The next `count` webhooks are lost with all their resends. */
  dropNext(count: number): void {
    this.toDrop = Math.max(0, Math.floor(count));
  }

  list(): readonly WebhookDelivery[] {
    return [...this.deliveries];
  }

  clear(): void {
    this.deliveries.length = 0;
  }

  /** Wait until everything scheduled so far (retries included) has been attempted. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.all([...this.pending]);
    }
  }

  /** Abandon resends and in-flight attempts; used when the simulator closes. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.flush();
  }

  private async deliver(url: string, body: Buffer, signature: string): Promise<void> {
    const attempts = 1 + this.options.retries;
    for (let attempt = 1; attempt <= attempts && !this.stop.signal.aborted; attempt++) {
      if (attempt > 1) {
        try {
          await sleep(this.options.retryIntervalMs, undefined, { signal: this.stop.signal });
        } catch {
          return; // closed while waiting to resend
        }
      }
      const status = await this.attempt(url, body, signature);
      this.deliveries.push({ url, body: body.toString(), signature, status, at: Date.now(), attempt });
      if (status === 200) return;
    }
  }

  private async attempt(url: string, body: Buffer, signature: string): Promise<number | "error"> {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", [this.options.signatureHeader]: signature },
        body,
        redirect: "manual",
        signal: AbortSignal.any([this.stop.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      // Drain the reply so the connection is released; its content does not matter to Mark ID.
      await response.arrayBuffer().catch(() => undefined);
      return response.status;
    } catch {
      return "error";
    }
  }
}
