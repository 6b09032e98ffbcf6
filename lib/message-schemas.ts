import * as z from "zod";
import { ALERT_TYPES } from "./messages";

/**
 * The published messages (lib/messages.ts) as zod schemas: the source of the consumer contract in
 * docs/events/ (`npm run docs:events`, scripts/event-schemas.ts). Full `zod` for `.meta()` and
 * readable descriptions, so only the generator and the tests may import this module: a handler
 * that did would carry zod classic and build every schema at cold init
 * (test/infra/bundle-contents.test.ts checks no bundle does). test/types/message-schemas.ts keeps
 * the inferred types and the interfaces in lib/messages.ts equal, both ways.
 *
 * Objects are `z.object`: parsing strips what a schema does not name, which the tests use to find
 * a published field the contract forgets. The documents are generated for input, so they allow
 * extra properties: fields are added to these messages (never renamed or removed) and a consumer
 * must ignore ones it does not know.
 */

/** The event's `type`, which the notifier also sets as the SNS message attribute `type`. */
const eventType = <const Type extends string>(type: Type) =>
  z.literal(type).describe("The event type; also the SNS message attribute `type`, for filter policies.");

const isoTime = (description: string) => z.iso.datetime().describe(description);

/** A field a subscriber may still meet as `null`: Mark ID leaves it out until it is known. */
const nullableText = (description: string) => z.nullable(z.string()).describe(description);

/** Left out, never `null`, when unknown (`exactOptional`: the interfaces say `x?: string`). */
const optionalText = (description: string) => z.exactOptional(z.string()).describe(description);

const jsonObject = () => z.record(z.string(), z.unknown());

export const sessionCreatedEventSchema = z
  .object({
    type: eventType("verification.session-created"),
    requestId: z.string().describe("The request message's idempotency key; subscribers dedupe on it."),
    clientId: z.string().describe("The user's id in the calling system, as sent in the request."),
    scanRef: z.string().describe("Mark ID's reference of the verification session."),
    authToken: z
      .string()
      .describe("Bearer credential for one user's session: it travels in the event, never in a log."),
    redirectUrl: z.string().describe("Where to send the user's browser to start the verification."),
    expiresAt: isoTime("ISO-8601 time after which the token can no longer be started."),
  })
  .meta({
    title: "verification.session-created",
    description:
      "A Mark ID session was made for a request message (or re-published for its redelivery): send the user to redirectUrl.",
  });

export const verificationCompletedEventSchema = z
  .object({
    type: eventType("verification.completed"),
    scanRef: z.string().describe("Mark ID's reference of the verification session."),
    requestId: optionalText("The request that created the session, when this deployment created it."),
    clientId: z.string().describe("The user's id in the calling system."),
    externalRef: nullableText("The request's externalRef, when it had one."),
    final: z.boolean().describe("False while a manual review may still change the result."),
    overall: z
      .string()
      .describe("Mark ID's overall status (APPROVED, DENIED, SUSPECTED, ...; new values may appear)."),
    fraudTags: z.array(z.string()).describe("Mark ID's fraud tags."),
    mismatchTags: z.array(z.string()).describe("Mark ID's mismatch tags."),
    autoDocument: nullableText("The automatic document check's status."),
    autoFace: nullableText("The automatic face check's status."),
    manualDocument: nullableText("The manual document review's status."),
    manualFace: nullableText("The manual face review's status."),
    data: z
      .nullable(jsonObject())
      .describe(
        "The webhook's `data` object as received (personal data: for the subscriber, never for logs); null when reconciled (the status endpoint carries no personal data).",
      ),
    source: z
      .enum(["webhook", "reconciliation"])
      .describe(
        "Where the result came from: the webhook, or a status call for a session whose webhook was lost.",
      ),
    receivedAt: isoTime("ISO-8601 time the result reached us: the webhook's arrival, or the status reply's."),
    sequence: z
      .int()
      .positive()
      .describe(
        "Per scanRef, strictly increasing in the order results were published (gaps allowed): keep the highest sequence among the final results of a scanRef.",
      ),
  })
  .meta({
    title: "verification.completed",
    description:
      "A verification result, from Mark ID's webhook or, for a lost webhook, from the status endpoint; published once per (scanRef, final, overall).",
  });

export const verificationFailedEventSchema = z
  .object({
    type: eventType("verification.failed"),
    requestId: optionalText("The request's requestId, when it could be read."),
    messageId: z.string().describe("The SQS message id of the request message."),
    clientId: optionalText("The request's clientId, when known."),
    reason: z
      .string()
      .describe(
        "Why: `invalid-request`, `rejected-by-markid`, `unknown-outcome`, `request-id-conflict` or `erased` (new values may appear).",
      ),
    identifier: optionalText("Mark ID's error identifier, when it gave one."),
    fields: z.array(z.string()).describe("Paths of the invalid fields; never their values."),
  })
  .meta({
    title: "verification.failed",
    description: "A request message was acknowledged without a session: the caller must fix it or resend it.",
  });

export const notificationEventSchema = z
  .object({
    type: eventType("markid.notification"),
    kind: z
      .string()
      .describe(
        "The `Idenfy-Event-Type` header lower-cased with dashes; else `document-expiration`, `aml-monitoring` or `unknown`.",
      ),
    scanRef: optionalText("The notification's scanRef, when present."),
    clientId: optionalText("The notification's clientId, when present."),
    receivedAt: isoTime("ISO-8601 time the notification reached us."),
    payload: jsonObject().describe(
      "The signed body as received (may hold personal data: for the subscriber, never for logs).",
    ),
  })
  .meta({
    title: "markid.notification",
    description:
      "A signed webhook that is not a verification result (a document-expiration notice, an AML-monitoring hit, a kind not yet known), published as received.",
  });

export const verificationDeletedEventSchema = z
  .object({
    type: eventType("verification.deleted"),
    scanRef: z.string().describe("Mark ID's reference of the verification session."),
    requestId: optionalText("The request that created the session, when this deployment created it."),
    clientId: optionalText("The user's id in the calling system, when this deployment created the session."),
    deletedAt: isoTime("ISO-8601 time Mark ID confirmed the deletion."),
  })
  .meta({
    title: "verification.deleted",
    description:
      "The session's verification data (photos, document data, names) was deleted at Mark ID once the deployment's retention period after its final result had passed; Mark ID can no longer give it.",
  });

export const verificationErasedEventSchema = z
  .object({
    type: eventType("verification.erased"),
    erasureId: optionalText(
      "SHA-256 (hex) of `clientId:<clientId>` or `scanRef:<scanRef>`, as the request named the person; absent when the request could not be read. Never the clientId itself.",
    ),
    messageId: z.string().describe("The SQS message id of the erasure request."),
    status: z
      .enum(["complete", "pending", "invalid-request"])
      .describe(
        "`complete`: nothing more to do; `pending`: some sessions are tried again later (Mark ID refuses a deletion before the token expires, or could not be asked); `invalid-request`: not acted on.",
      ),
    sessions: z
      .array(
        z.object({
          scanRef: z.string().describe("Mark ID's reference of the session."),
          markId: z
            .enum(["deleted", "already-deleted", "refused", "not-yet", "unavailable"])
            .describe("What became of the session's verification data at Mark ID."),
          erasedHere: z
            .boolean()
            .describe("This deployment's copy (the session's request and clientId) was deleted."),
          identifier: optionalText("Mark ID's error identifier, when it refused."),
          lastSequence: z
            .exactOptional(z.int().min(0))
            .describe(
              "When erased here: the highest `sequence` the session's results were given. A result on its way out at the moment of erasure may still arrive after this event, numbered no higher: drop it. None is numbered after the erasure.",
            ),
        }),
      )
      .describe("The sessions this delivery worked on."),
    pending: z.int().min(0).describe("Sessions left for a later delivery of the request."),
    fields: z
      .array(z.string())
      .describe("Paths of the invalid fields of an invalid request; never their values."),
    at: isoTime("ISO-8601 time of this delivery's work."),
  })
  .meta({
    title: "verification.erased",
    description:
      "A right-to-erasure request was worked on: the person's sessions were deleted here and at Mark ID (or are left for later, as `pending` says). Carries no clientId.",
  });

export const alertMessageSchema = z
  .object({
    type: z.enum(ALERT_TYPES).describe("What is wrong; also the SNS message attribute `type`."),
    state: z.enum(["firing", "resolved"]).describe("Also the SNS message attribute `state`."),
    severity: z.enum(["critical", "warning", "info"]),
    summary: z
      .string()
      .describe(
        "One human line; also the SNS Subject (cut to 100 characters). Never a secret or personal data.",
      ),
    stage: z.string().describe("The deployment stage that raised it."),
    firstSeen: isoTime("ISO-8601 time the condition was first seen in this window."),
    count: z.int().min(1).describe("Occurrences folded into this alert."),
  })
  .meta({
    title: "Alert",
    description:
      "One alert per type per window: `firing` when a condition starts, `resolved` once it clears.",
  });

/** Every published message's schema, by the file name (without `.schema.json`) of its document. */
export const MESSAGE_SCHEMAS = {
  "verification.session-created": sessionCreatedEventSchema,
  "verification.completed": verificationCompletedEventSchema,
  "verification.failed": verificationFailedEventSchema,
  "markid.notification": notificationEventSchema,
  "verification.deleted": verificationDeletedEventSchema,
  "verification.erased": verificationErasedEventSchema,
  alert: alertMessageSchema,
} as const;
