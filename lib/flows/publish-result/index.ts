import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import type { AwsError } from "../../aws/aws-error";
import { deliveryKey, type DeliveryIdentity } from "../../aws/delivery-store";
import type { NotificationEvent, PendingCompletedEvent } from "../../messages";
import { parseQueuedDelivery } from "../../result-delivery";
import type {
  PublishOutcome,
  PublishResultDependencies,
  PublishResultSettings,
  PublishWarning,
} from "./types";

/*
 * publish-verification-result (design.md §4.1, §4.4): one queued delivery → at most one published
 * event per (scanRef, final, overall), however many copies arrive, at once or later, by webhook or
 * by reconciliation. Claim → draw a sequence (closing a session for the reconciler when final, and
 * queuing its deletion at Mark ID when retention is on) →
 * publish → mark delivered. A result of an erased session is acknowledged, not published. Anything that
 * fails before the event is out gives the record back, and the claim is released, so a redelivery
 * publishes it; SNS and DynamoDB outages cost only delay (the queue keeps the record 14 days).
 */

export type { PublishOutcome, PublishResultDependencies, PublishResultSettings } from "./types";

export function publishQueuedDelivery(
  body: string,
  deps: PublishResultDependencies,
  settings: PublishResultSettings,
): Promise<PublishOutcome> {
  return parseQueuedDelivery(body)
    .mapErr((error): PublishOutcome => ({ kind: "given-back", reason: "malformed", error }))
    .asyncAndThen((delivery) =>
      delivery.kind === "notification"
        ? publishNotification(delivery.event, deps)
        : publishResult(delivery.event, deps, settings),
    )
    .match(
      (done) => done,
      (givenBack) => givenBack,
    );
}

/** Notifications have no identity to dedupe on (webhook-notification.ts): published as they come. */
function publishNotification(
  event: NotificationEvent,
  deps: PublishResultDependencies,
): ResultAsync<PublishOutcome, PublishOutcome> {
  const notificationKind = event.kind;
  return deps.notifier
    .publishEvent(event)
    .map((): PublishOutcome => ({ kind: "notification-published", notificationKind }))
    .mapErr((error): PublishOutcome => ({
      kind: "given-back",
      reason: "publish-failed",
      delivery: { notificationKind },
      error,
    }));
}

function publishResult(
  event: PendingCompletedEvent,
  deps: PublishResultDependencies,
  settings: PublishResultSettings,
): ResultAsync<PublishOutcome, PublishOutcome> {
  const delivery: DeliveryIdentity = { scanRef: event.scanRef, final: event.final, overall: event.overall };
  const key = deliveryKey(delivery);
  const givenBack =
    (reason: "claim-failed" | "sequence-failed" | "publish-failed") =>
    (error: AwsError): PublishOutcome => ({
      kind: "given-back",
      reason,
      delivery,
      error,
    });
  // Our claim is dropped when we fail after taking it, so the redelivery is not told "in progress".
  const releasing = (outcome: PublishOutcome) =>
    deps.deliveries
      .release(key)
      .orElse(() => okAsync(undefined))
      .andThen(() => errAsync<never, PublishOutcome>(outcome));

  const publishDrawn = (drawn: { readonly sequence: number; readonly requestId: string | undefined }) => {
    const published = {
      ...event,
      // A webhook's result learns its requestId here; a reconciled one brought it along.
      ...(event.requestId === undefined && drawn.requestId !== undefined
        ? { requestId: drawn.requestId }
        : {}),
      sequence: drawn.sequence,
    };
    return deps.notifier
      .publishEvent(published)
      .orElse((error) => releasing(givenBack("publish-failed")(error)))
      .andThen(() => afterPublish(key, deps, settings))
      .map((warnings): PublishOutcome => ({
        kind: "published",
        result: { ...delivery, source: event.source, sequence: drawn.sequence },
        warnings,
      }));
  };

  return deps.deliveries
    .claim(key)
    .mapErr(givenBack("claim-failed"))
    .andThen((claim): ResultAsync<PublishOutcome, PublishOutcome> => {
      if (claim === "delivered") return okAsync({ kind: "duplicate", delivery, source: event.source });
      if (claim === "in-progress") return errAsync({ kind: "given-back", reason: "in-progress", delivery });
      return deps.sequence
        .next(event.scanRef, {
          retentionSeconds: settings.retentionSeconds,
          final: event.final,
          ...(settings.deleteAfterSeconds === undefined
            ? {}
            : { deleteAfterSeconds: settings.deleteAfterSeconds }),
        })
        .orElse((error) => releasing(givenBack("sequence-failed")(error)))
        .andThen((drawn) => {
          if (drawn.erased) return notPublishedErased(key, delivery, event, deps);
          // A session this deployment never recorded (no requestId on its item) may belong to a
          // person erased by clientId, whom the erasure could not reach through the table.
          if (drawn.requestId === undefined && event.clientId !== "")
            return deps.erasedClients
              .has(event.clientId, deps.now())
              .orElse((error) => releasing(givenBack("sequence-failed")(error)))
              .andThen((erased) =>
                erased ? notPublishedErased(key, delivery, event, deps) : publishDrawn(drawn),
              );
          return publishDrawn(drawn);
        });
    });
}

/**
 * The session's person was erased (design.md §4.6): the result is acknowledged unpublished, and
 * the claim dropped, so each copy that still arrives is judged the same way.
 */
function notPublishedErased(
  key: string,
  delivery: DeliveryIdentity,
  event: PendingCompletedEvent,
  deps: PublishResultDependencies,
): ResultAsync<PublishOutcome, never> {
  return deps.deliveries
    .release(key)
    .orElse(() => okAsync(undefined))
    .map((): PublishOutcome => ({ kind: "erased", delivery, source: event.source }));
}

/** The write after the event is out: a failure is a warning, never a reason to publish again. */
function afterPublish(
  key: string,
  deps: PublishResultDependencies,
  settings: PublishResultSettings,
): ResultAsync<readonly PublishWarning[], never> {
  return deps.deliveries
    .markDelivered(key, settings.retentionSeconds)
    .map((): PublishWarning[] => [])
    .orElse((error) => okAsync<PublishWarning[], never>([{ kind: "mark-delivered-failed", error }]));
}
