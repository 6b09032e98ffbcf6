import type { AwsError } from "../../aws/aws-error";
import type { DeliveryIdentity, DeliveryStore } from "../../aws/delivery-store";
import type { ErasedClients } from "../../aws/erased-clients";
import type { Notifier } from "../../aws/notifier";
import type { ResultSequence } from "../../aws/result-sequence";
import type { ResultSource } from "../../messages";
import type { MalformedDelivery } from "../../result-delivery";

export interface PublishResultDependencies {
  readonly deliveries: DeliveryStore;
  readonly sequence: ResultSequence;
  /** People erased by clientId: a result of a session the table never knew is dropped for them. */
  readonly erasedClients: Pick<ErasedClients, "has">;
  readonly now: () => number;
  readonly notifier: Pick<Notifier, "publishEvent">;
}

export interface PublishResultSettings {
  /** How long a published result is remembered (dedupe) and its scanRef's counter kept. */
  readonly retentionSeconds: number;
  /** MARKID_RETENTION_SECONDS: a final result queues its session's deletion at Mark ID this long after; 0: never. */
  readonly deleteAfterSeconds?: number;
}

interface PublishedResult extends DeliveryIdentity {
  readonly source: ResultSource;
  readonly sequence: number;
}

/** Every way one queued delivery can end. Acknowledged: the record is done; given back: redelivered. */
export type PublishOutcome =
  | {
      readonly kind: "published";
      readonly result: PublishedResult;
      readonly warnings: readonly PublishWarning[];
    }
  | { readonly kind: "duplicate"; readonly delivery: DeliveryIdentity; readonly source: ResultSource }
  /** The session's person was erased: nothing of it is published any more (acknowledged). */
  | { readonly kind: "erased"; readonly delivery: DeliveryIdentity; readonly source: ResultSource }
  | { readonly kind: "notification-published"; readonly notificationKind: string }
  | { readonly kind: "given-back"; readonly reason: "malformed"; readonly error: MalformedDelivery }
  /** A concurrent copy is being published: this copy comes back after the visibility timeout and finds it done. */
  | { readonly kind: "given-back"; readonly reason: "in-progress"; readonly delivery: DeliveryIdentity }
  | {
      readonly kind: "given-back";
      readonly reason: "claim-failed" | "sequence-failed" | "publish-failed";
      readonly delivery: DeliveryIdentity | { readonly notificationKind: string };
      readonly error: AwsError;
    };

/** Published, but the bookkeeping write after it failed (logged and counted). */
export type PublishWarning =
  /** A later copy of this result would be published again (subscribers keep the highest sequence). */
  { readonly kind: "mark-delivered-failed"; readonly error: AwsError };

export const isAcknowledged = (outcome: PublishOutcome): boolean => outcome.kind !== "given-back";
