import { SendMessageCommand, SQSClient, type SQSClientConfig } from "@aws-sdk/client-sqs";
import type { EventListener, HeardEvent } from "./event-listener";
import { short, type SmokeStep } from "./runner";

export interface StackTarget {
  readonly clientConfig: SQSClientConfig;
  readonly requestQueueUrl: string;
  /** Subscribes to the events topic (before the request is sent, so no event is missed). */
  readonly listen: () => Promise<EventListener>;
  /** How long to wait for each event. */
  readonly timeoutMs: number;
}

/**
 * A deployed (or local) stack end to end: a request message for a dummy APPROVED session, its
 * `verification.session-created` event, then the `verification.completed` event that Mark ID's
 * signed result webhook turns into. Spends one verification credit.
 */
export function stackSteps(
  target: StackTarget,
  requestId: string,
  clientId: string,
): { steps: SmokeStep[]; close: () => Promise<string[]> } {
  let listener: EventListener | undefined;
  let session: HeardEvent | undefined;
  const heard = () => {
    if (listener === undefined) throw new Error("not subscribed to the events topic");
    return listener;
  };
  const steps: SmokeStep[] = [
    {
      name: "events subscribed",
      run: async () => {
        listener = await target.listen();
        return "a queue of this run's own subscribed to the events topic";
      },
    },
    {
      name: "request sent",
      needs: ["events subscribed"],
      run: async () => {
        const sqs = new SQSClient(target.clientConfig);
        try {
          const sent = await sqs.send(
            new SendMessageCommand({
              QueueUrl: target.requestQueueUrl,
              MessageBody: JSON.stringify({ requestId, clientId, dummyStatus: "APPROVED" }),
            }),
          );
          return `requestId ${requestId} → messageId ${sent.MessageId ?? "?"}`;
        } finally {
          sqs.destroy();
        }
      },
    },
    {
      name: "session event",
      needs: ["request sent"],
      run: async () => {
        session = await heard().waitFor(
          (event) =>
            (event.type === "verification.session-created" || event.type === "verification.failed") &&
            event.body["requestId"] === requestId,
          `verification.session-created for requestId ${requestId}`,
          target.timeoutMs,
        );
        if (session.type === "verification.failed") {
          throw new Error(`verification.failed: ${String(session.body["reason"])}`);
        }
        return `verification.session-created, scanRef ${short(String(session.body["scanRef"]))}`;
      },
    },
    {
      name: "result event",
      needs: ["session event"],
      run: async () => {
        const scanRef = session?.body["scanRef"];
        const result = await heard().waitFor(
          (event) => event.type === "verification.completed" && event.body["scanRef"] === scanRef,
          `verification.completed for scanRef ${short(String(scanRef))} (is the webhook URL registered with Mark ID?)`,
          target.timeoutMs,
        );
        return `verification.completed overall=${String(result.body["overall"])} final=${String(result.body["final"])}`;
      },
    },
  ];
  return { steps, close: async () => (listener === undefined ? [] : listener.close()) };
}
