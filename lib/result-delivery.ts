import { err, ok, type Result } from "neverthrow";
import * as z from "zod/mini";
import { lazily } from "./lazily";
import type { NotificationEvent, PendingCompletedEvent } from "./messages";

/*
 * What travels on the results queue (design.md §4.4): the webhook and the reconciler send it,
 * publish-verification-result turns it into exactly one published event. It is the event to be,
 * already shaped (the webhook parsed and checked the signed body, the reconciler the status reply),
 * so the publisher only dedupes, numbers and publishes. Internal: no consumer outside this project
 * reads the queue, so the shape may change with a deploy as long as both sides change together
 * (a message already queued in the old shape fails parsing and waits in the DLQ for a redrive).
 */
export type QueuedDelivery =
  | { readonly kind: "verification-result"; readonly event: PendingCompletedEvent }
  | { readonly kind: "notification"; readonly event: NotificationEvent };

/** A queued message this project could not have written: given back, then kept in the results DLQ. */
export interface MalformedDelivery {
  readonly kind: "malformed-delivery";
  /** Paths of what is missing or wrong, never values. */
  readonly problems: readonly string[];
}

/**
 * The queue message's body. SQS refuses a body holding U+FFFE or U+FFFF, which JSON.stringify leaves
 * as they are (it escapes only control characters and lone surrogates): they are written as JSON
 * escapes, so a signed body holding one is queued rather than answered 503 on every resend.
 */
export const serializeDelivery = (delivery: QueuedDelivery): string =>
  JSON.stringify(delivery).replace(/[\uFFFE\uFFFF]/gu, (char) => `\\u${char.charCodeAt(0).toString(16)}`);

// Only what the publisher decides on is checked; the rest was checked before it was queued.
// Lazy: built on the first record, not at cold start (bench/cold-init.ts).
const envelopeSchema = lazily(() =>
  z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("verification-result"),
      event: z.looseObject({
        type: z.literal("verification.completed"),
        scanRef: z.string().check(z.minLength(1)),
        final: z.boolean(),
        overall: z.string(),
        source: z.enum(["webhook", "reconciliation"]),
        receivedAt: z.string(),
      }),
    }),
    z.object({
      kind: z.literal("notification"),
      event: z.looseObject({
        type: z.literal("markid.notification"),
        kind: z.string(),
        receivedAt: z.string(),
        payload: z.record(z.string(), z.unknown()),
      }),
    }),
  ]),
);

export function parseQueuedDelivery(body: string): Result<QueuedDelivery, MalformedDelivery> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return err({ kind: "malformed-delivery", problems: ["(body is not JSON)"] });
  }
  const parsed = envelopeSchema().safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => issue.path.join(".") || "(root)");
    return err({ kind: "malformed-delivery", problems });
  }
  // The checked fields are what the publisher relies on; the whole object is what it publishes.
  return ok(json as QueuedDelivery);
}
