import { setTimeout as sleep } from "node:timers/promises";
import { ms, type FigureResult } from "./report";
import { startStackProcess, type StackProcess } from "./support/stack-process";
import { percentile } from "./support/stats";
import { postDelivery, resultDelivery, type Reply } from "./support/webhook-delivery";

/**
 * Time from the webhook's 200 to the verification.completed event on SNS: what durable intake
 * (design.md §4.4) adds to a result's way out — the results queue, the poller, the publisher's
 * claim and sequence writes and its SNS publish. DELIVERIES signed deliveries, each for its own
 * scanRef, sent SPACING_MS apart to the local stack (local/stack, in a process of its own) with
 * the results poller's settings as the stack runs them (its batching window, batch size, long
 * poll). Per scanRef: from the moment this process had read the 200 to the moment the local SNS
 * took the event (both Date.now(), one machine clock; the stack's publish hook stamps it).
 * Goal: p99 ≤ 2 s — a subscriber hears of a result within seconds of Mark ID sending it.
 *
 * A few deliveries first, each awaited until published: the cold start of the webhook's and the
 * publisher's containers is not part of the figure.
 */

const GOAL_MS = 2_000;
const DELIVERIES = 200;
const SPACING_MS = 50;
const WARM_UP = 5;
const PUBLISH_TIMEOUT_MS = 60_000;

export async function run(): Promise<FigureResult[]> {
  const stack = await startStackProcess();
  try {
    for (let index = 0; index < WARM_UP; index += 1) {
      const delivery = resultDelivery();
      const reply = await postDelivery(stack, delivery);
      if (reply.status !== 200) throw new Error(`a warm-up delivery was answered ${reply.status}`);
      await publishedAt(stack, [delivery.scanRef]);
    }

    const deliveries = Array.from({ length: DELIVERIES }, () => resultDelivery());
    const sending: Promise<Reply>[] = [];
    for (const delivery of deliveries) {
      sending.push(postDelivery(stack, delivery));
      await sleep(SPACING_MS);
    }
    const replies = await Promise.all(sending);
    const scanRefs = deliveries.map((delivery) => delivery.scanRef);
    const published = await publishedAt(stack, scanRefs);

    const delays: number[] = [];
    let notAccepted = 0;
    let events = 0;
    let doubled = 0;
    replies.forEach((reply, index) => {
      if (reply.status !== 200) {
        notAccepted += 1;
        return;
      }
      const at = published.get(scanRefs[index]!) ?? [];
      events += at.length;
      if (at.length > 1) doubled += 1;
      if (at.length > 0) delays.push(Math.min(...at) - reply.repliedAt);
    });
    const missing = DELIVERIES - notAccepted - delays.length;
    const p99 = percentile(delays, 99);
    return [
      {
        figure: "webhook's 200 to verification.completed on SNS, p99",
        measured: ms(p99, 0),
        goal: `≤ ${ms(GOAL_MS, 0)}`,
        verdict:
          delays.length === DELIVERIES && notAccepted === 0 && doubled === 0 && p99 <= GOAL_MS
            ? "pass"
            : "miss",
        detail:
          `${DELIVERIES} deliveries ${SPACING_MS} ms apart to the local stack; results poller as the stack ` +
          `runs it (batching window ${stack.resultsBatchingWindowMs} ms, batches of ${stack.resultsBatchSize}, ` +
          `${stack.receiveWaitSeconds} s long poll); p50 ${ms(percentile(delays, 50), 0)}, ` +
          `p90 ${ms(percentile(delays, 90), 0)}, max ${ms(Math.max(...delays), 0)}; ${events} events for ` +
          `${DELIVERIES} deliveries (${doubled} scanRefs published twice, ${missing} never within ` +
          `${PUBLISH_TIMEOUT_MS / 1000} s, ${notAccepted} not answered 200)`,
      },
    ];
  } finally {
    await stack.close();
  }
}

/** When each scanRef's verification.completed events were published; waits until each has one (or the timeout). */
async function publishedAt(stack: StackProcess, scanRefs: readonly string[]): Promise<Map<string, number[]>> {
  const wanted = new Set(scanRefs);
  const deadline = Date.now() + PUBLISH_TIMEOUT_MS;
  for (;;) {
    const at = new Map<string, number[]>();
    for (const event of await stack.completed()) {
      if (!wanted.has(event.scanRef)) continue;
      at.set(event.scanRef, [...(at.get(event.scanRef) ?? []), event.at]);
    }
    if (at.size === wanted.size || Date.now() >= deadline) return at;
    await sleep(100);
  }
}
