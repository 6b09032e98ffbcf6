import { randomUUID } from "node:crypto";
import { signBody } from "../../local/simulator/index";
import { SAMPLE_RESULT_WEBHOOK } from "../../local/simulator/sample-result";

/**
 * A result webhook as Mark ID sends it (events/http-webhook.json's body, about 1.2 KB), for a
 * fresh scanRef each time, signed and posted the way the simulator and the chaos
 * run's resends do (local/chaos/run.ts).
 */
export interface WebhookTarget {
  readonly webhookUrl: string;
  readonly signingKey: string;
  readonly signatureHeader: string;
}

export interface Delivery {
  readonly scanRef: string;
  readonly body: Buffer;
}

export function resultDelivery(final = true): Delivery {
  const scanRef = randomUUID();
  const body = {
    ...SAMPLE_RESULT_WEBHOOK,
    final,
    scanRef,
    clientId: `bench-${scanRef.slice(0, 8)}`,
    externalRef: "bench-order",
  };
  return { scanRef, body: Buffer.from(JSON.stringify(body)) };
}

export interface Reply {
  readonly status: number;
  /** From just before the request was sent until its reply body was read, ms. */
  readonly latencyMs: number;
  /** Date.now() when the reply had been read: comparable with the stack process's clock. */
  readonly repliedAt: number;
}

/** Signs and posts one delivery; resolves with its status and timing (never rejects on a status). */
export async function postDelivery(target: WebhookTarget, delivery: Delivery): Promise<Reply> {
  const headers = {
    "content-type": "application/json",
    [target.signatureHeader]: signBody(delivery.body, target.signingKey),
  };
  const started = performance.now();
  const response = await fetch(target.webhookUrl, { method: "POST", headers, body: delivery.body });
  await response.arrayBuffer();
  return { status: response.status, latencyMs: performance.now() - started, repliedAt: Date.now() };
}
