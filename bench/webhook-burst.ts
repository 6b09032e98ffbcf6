import { ms, type FigureResult } from "./report";
import { startStackProcess } from "./support/stack-process";
import { percentile, runConcurrently } from "./support/stats";
import { postDelivery, resultDelivery, type Reply, type WebhookTarget } from "./support/webhook-delivery";

/**
 * Webhook reply time under a burst: 1,000 signed result deliveries, each for its own scanRef, sent
 * at once over CONNECTIONS concurrent connections to the local stack's HTTP API (local/stack, in a
 * process of its own: the real webhook handler — signature check, parse, SendMessage to the
 * results queue with the real SDK client — and the real local SQS), the load sent from this
 * process. Timed per delivery, from sending to the reply read. Goal: p99 ≤ 50 ms locally, and
 * every reply 200: Mark ID resends only a few times within seconds (design.md §4.4), so a slow or
 * refused webhook under a burst is how results would be lost.
 *
 * Before the burst: WARM_UP deliveries one after the other (the container's cold start is not
 * part of any figure), ONE_AT_A_TIME more (their times are the reply with no queue), then a short
 * burst at the same concurrency that opens the connections — this process's to the HTTP API and
 * the handler's SDK client's to SQS (the servers close them after 5 s idle). Opening fifty at once
 * on the stack's busy thread costs the first deliveries up to a second or two; that burst's p99 is
 * in the detail.
 *
 * Locally everything the stack runs shares one thread: the handler invocations, the local SQS, SNS
 * and DynamoDB (dynalite), and the results poller publishing the deliveries while more arrive. A
 * delivery's time under load is therefore mostly its wait behind the others (p50 ≈ connections ÷
 * throughput). In AWS each concurrent invocation has a container of its own and the services are
 * remote, so this bounds the handler's reply time from above; it measures the local stack as much as
 * the handler.
 */

const GOAL_MS = 50;
const DELIVERIES = 1_000;
/**
 * The deployed webhook's reserved concurrency (serverless.yml, webhookReservedConcurrency): in AWS
 * at most this many invocations serve a burst at once, whatever arrives. Fifty at once on the local
 * stack's one thread measured the wait behind each other (p99 0.3–1.6 s), not the reply.
 */
const CONNECTIONS = 10;
/** Deliveries one at a time first, unmeasured: the container's cold start (secret read, SDK client). */
const WARM_UP = 20;
/** Then one at a time, measured: the reply time with no queue. */
const ONE_AT_A_TIME = 100;
/** Then a short burst that opens the connections (see the header): CONNECTIONS × this many. */
const OPENING_ROUNDS = 2;
/** How long the burst's events may take to be published before the check gives up. */
const PUBLISH_TIMEOUT_MS = 120_000;

export async function run(): Promise<FigureResult[]> {
  const stack = await startStackProcess();
  try {
    const warm = await send(stack, WARM_UP, 1);
    const single = await send(stack, ONE_AT_A_TIME, 1);
    if (warm.ok + single.ok !== WARM_UP + ONE_AT_A_TIME)
      throw new Error("a delivery sent on its own was not answered 200");
    const opening = await send(stack, CONNECTIONS * OPENING_ROUNDS, CONNECTIONS);
    const burst = await send(stack, DELIVERIES, CONNECTIONS);

    // Every accepted delivery must come out as its one event (a check, not the figure).
    const wanted = new Set(burst.scanRefs);
    const lastReplyAt = Math.max(...burst.replies.map((reply) => reply.repliedAt));
    let published = 0;
    let lastPublishedAt = 0;
    for (const deadline = Date.now() + PUBLISH_TIMEOUT_MS; Date.now() < deadline;) {
      const events = (await stack.completed()).filter((event) => wanted.has(event.scanRef));
      published = new Set(events.map((event) => event.scanRef)).size;
      lastPublishedAt = Math.max(0, ...events.map((event) => event.at));
      if (published === DELIVERIES) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    const p99 = percentile(burst.latencies, 99);
    const others = [...burst.statuses].filter(([status]) => status !== 200).map(([s, n]) => `${n} × ${s}`);
    return [
      {
        figure: `webhook reply under a burst of ${DELIVERIES.toLocaleString("en")}, p99`,
        measured: ms(p99, 1),
        goal: `≤ ${ms(GOAL_MS, 0)}, all 200`,
        verdict: p99 <= GOAL_MS && burst.ok === DELIVERIES && published === DELIVERIES ? "pass" : "miss",
        detail:
          `${DELIVERIES} signed ~1.2 KB deliveries over ${CONNECTIONS} connections to the local stack in ` +
          `${(burst.wallMs / 1000).toFixed(2)} s (${Math.round(DELIVERIES / (burst.wallMs / 1000))}/s); ` +
          `${burst.ok} answered 200${others.length > 0 ? `, ${others.join(", ")}` : ""}; ` +
          `p50 ${ms(percentile(burst.latencies, 50), 1)}, p90 ${ms(percentile(burst.latencies, 90), 1)}, ` +
          `max ${ms(Math.max(...burst.latencies), 1)}; one at a time (no queue) p50 ` +
          `${ms(percentile(single.latencies, 50), 1)}, p99 ${ms(percentile(single.latencies, 99), 1)}; ` +
          `the ${CONNECTIONS * OPENING_ROUNDS} deliveries that opened the connections p99 ` +
          `${ms(percentile(opening.latencies, 99), 1)}; ${published} of ${DELIVERIES} published as ` +
          `verification.completed, the last ${((lastPublishedAt - lastReplyAt) / 1000).toFixed(1)} s ` +
          "after the last reply",
      },
    ];
  } finally {
    await stack.close();
  }
}

interface Sent {
  readonly scanRefs: readonly string[];
  readonly replies: readonly Reply[];
  readonly latencies: readonly number[];
  readonly statuses: ReadonlyMap<number, number>;
  readonly ok: number;
  readonly wallMs: number;
}

/** `count` fresh deliveries, built up front, with at most `connections` in flight. */
async function send(stack: WebhookTarget, count: number, connections: number): Promise<Sent> {
  const deliveries = Array.from({ length: count }, () => resultDelivery());
  const replies: Reply[] = [];
  const started = performance.now();
  await runConcurrently(count, connections, async (index) => {
    replies.push(await postDelivery(stack, deliveries[index]!));
  });
  const wallMs = performance.now() - started;
  const statuses = new Map<number, number>();
  for (const reply of replies) statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
  return {
    scanRefs: deliveries.map((delivery) => delivery.scanRef),
    replies,
    latencies: replies.map((reply) => reply.latencyMs),
    statuses,
    ok: statuses.get(200) ?? 0,
    wallMs,
  };
}
