/**
 * Type-level tests, checked by `tsc --noEmit` and never run: the zod schemas of the published
 * messages (lib/message-schemas.ts, the source of docs/events/) and the interfaces the code
 * publishes (lib/messages.ts) must describe the same shapes, so neither changes without the other.
 * Readonly-ness is ignored (zod's output is mutable); optional, nullable, literal and union types
 * are compared exactly (exactOptionalPropertyTypes is on, so `x?: T` differs from `x?: T | undefined`).
 */
import type * as z from "zod";
import type {
  alertMessageSchema,
  notificationEventSchema,
  sessionCreatedEventSchema,
  verificationCompletedEventSchema,
  verificationDeletedEventSchema,
  verificationErasedEventSchema,
  verificationFailedEventSchema,
} from "../../lib/message-schemas";
import type {
  AlertMessage,
  NotificationEvent,
  SessionCreatedEvent,
  VerificationCompletedEvent,
  VerificationDeletedEvent,
  VerificationErasedEvent,
  VerificationFailedEvent,
} from "../../lib/messages";

type DeepMutable<T> = T extends readonly (infer U)[]
  ? DeepMutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
    : T;

/**
 * Identical types (the usual trick, which also catches `any`), and assignable both ways: the trick
 * alone takes `x?: T` and `x?: T | undefined` for the same, assignability does not.
 */
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2
    ? [A] extends [B]
      ? [B] extends [A]
        ? true
        : false
      : false
    : false;

/** Fails to compile unless the schema's output and the interface are the same shape. */
type Agree<Schema extends z.ZodType, Interface> = Equal<z.output<Schema>, DeepMutable<Interface>>;

const agree = <Check extends true>(): Check => true as Check;

export const sessionCreated = agree<Agree<typeof sessionCreatedEventSchema, SessionCreatedEvent>>();
export const completed = agree<Agree<typeof verificationCompletedEventSchema, VerificationCompletedEvent>>();
export const failed = agree<Agree<typeof verificationFailedEventSchema, VerificationFailedEvent>>();
export const notification = agree<Agree<typeof notificationEventSchema, NotificationEvent>>();
export const deleted = agree<Agree<typeof verificationDeletedEventSchema, VerificationDeletedEvent>>();
export const erased = agree<Agree<typeof verificationErasedEventSchema, VerificationErasedEvent>>();
export const alert = agree<Agree<typeof alertMessageSchema, AlertMessage>>();

// The check is not vacuous: an interface with one more field, one field fewer, a field made
// optional or a union widened does not agree with its schema.
type WithRegion = AlertMessage & { readonly region: string };
type WithoutStage = Omit<AlertMessage, "stage">;
type OptionalScanRef = Omit<SessionCreatedEvent, "scanRef"> & { readonly scanRef?: string };
type AnyState = Omit<AlertMessage, "state"> & { readonly state: string };
type UndefinedScanRef = Omit<NotificationEvent, "scanRef"> & { readonly scanRef?: string | undefined };
// @ts-expect-error Type 'false' does not satisfy the constraint 'true'
export const extraField = agree<Agree<typeof alertMessageSchema, WithRegion>>();
// @ts-expect-error Type 'false' does not satisfy the constraint 'true'
export const missingField = agree<Agree<typeof alertMessageSchema, WithoutStage>>();
// @ts-expect-error Type 'false' does not satisfy the constraint 'true'
export const madeOptional = agree<Agree<typeof sessionCreatedEventSchema, OptionalScanRef>>();
// @ts-expect-error Type 'false' does not satisfy the constraint 'true'
export const widened = agree<Agree<typeof alertMessageSchema, AnyState>>();
// @ts-expect-error Type 'false' does not satisfy the constraint 'true'
export const undefinedAllowed = agree<Agree<typeof notificationEventSchema, UndefinedScanRef>>();
