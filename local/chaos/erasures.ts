import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { setTimeout as sleep } from "node:timers/promises";
import type { ChaosRequest } from "./requests";

/*
 * Erasure requests in a chaos run (issue 16). A share of the people who get a session are erased
 * while the run goes on, each at a random moment within one and a half token lifetimes of their
 * session: some while the session is still open (Mark ID refuses the deletion until the token
 * expires, so the request comes back), some after their result, some while their webhook or the
 * reconciler is on its way. One in four names the session by scanRef, the others the person by
 * clientId. The run's outages hit the erasures as they hit everything else.
 */

export interface ErasureTarget {
  readonly clientId: string;
  readonly by: "clientId" | "scanRef";
}

export interface SentErasure extends ErasureTarget {
  /** The SQS message id: `verification.erased` names it. */
  readonly messageId: string;
  readonly requestId: string;
  readonly scanRef: string;
  readonly sentAt: number;
}

/** The requests whose person is erased, by requestId: only valid requests name a person. */
export function chooseErasureTargets(
  requests: readonly ChaosRequest[],
  share: number,
  random: () => number,
): ReadonlyMap<string, ErasureTarget> {
  const targets = new Map<string, ErasureTarget>();
  for (const request of requests) {
    if (request.kind !== "plain" && request.kind !== "dummy") continue;
    if (random() >= share) continue;
    const clientId = (JSON.parse(request.body) as { clientId: string }).clientId;
    targets.set(request.requestId, { clientId, by: targets.size % 4 === 3 ? "scanRef" : "clientId" });
  }
  return targets;
}

export interface ErasureSender {
  /** Each session-created event: the first one of a target schedules its person's erasure. */
  onSessionCreated(requestId: string, scanRef: string): void;
  /** Resolves once every scheduled erasure is on the queue (or the sender was stopped). */
  drained(): Promise<void>;
  readonly sent: readonly SentErasure[];
  stop(): void;
}

export interface ErasureSenderOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly targets: ReadonlyMap<string, ErasureTarget>;
  /** An erasure is sent up to this long after its session was published. */
  readonly maxDelayMs: number;
  readonly random: () => number;
}

/** A send refused (the run's SQS faults) is tried again after this long. */
const RESEND_MS = 500;

export function startErasureSender(options: ErasureSenderOptions): ErasureSender {
  const sent: SentErasure[] = [];
  const scheduled = new Set<string>();
  const sending: Promise<void>[] = [];
  const stop = new AbortController();

  const send = async (requestId: string, scanRef: string, target: ErasureTarget) => {
    await sleep(options.random() * options.maxDelayMs, undefined, { signal: stop.signal }).catch(
      () => undefined,
    );
    const body = JSON.stringify({
      erase: target.by === "clientId" ? { clientId: target.clientId } : { scanRef },
    });
    while (!stop.signal.aborted) {
      try {
        const { MessageId } = await options.sqs.send(
          new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: body }),
        );
        sent.push({ ...target, requestId, scanRef, messageId: MessageId ?? "", sentAt: Date.now() });
        return;
      } catch {
        await sleep(RESEND_MS);
      }
    }
  };

  return {
    onSessionCreated(requestId, scanRef) {
      const target = options.targets.get(requestId);
      if (target === undefined || scheduled.has(requestId)) return;
      scheduled.add(requestId);
      sending.push(send(requestId, scanRef, target));
    },
    async drained() {
      // Sends scheduled while waiting are waited for too.
      let waitedFor = 0;
      while (waitedFor < sending.length) {
        waitedFor = sending.length;
        await Promise.all(sending.slice());
      }
    },
    sent,
    stop: () => stop.abort(),
  };
}
