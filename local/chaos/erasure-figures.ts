import type { RecordedRequest } from "../simulator/index";
import type { SentErasure } from "./erasures";
import { parseObject } from "./json";

/*
 * The erasure figures of a chaos run (issue 16), from what the run recorded: the erasure requests
 * sent, every published event with its time, the reconciler's status calls, the state table as it
 * was left, and what Mark ID (the simulator) still holds. Pure, like ledger.ts, so the arithmetic
 * is tested on hand-made observations (test/reliability/chaos-ledger.test.ts).
 *
 * A session counts as erased from the first `verification.erased` event that lists it with
 * `erasedHere`; from then on nothing may be published about it (its scanRef or its person's
 * clientId), the reconciler may not ask about it, the table may hold nothing of the person and
 * Mark ID nothing of the verification.
 */

export interface PublishedEvent {
  readonly body: Readonly<Record<string, unknown>>;
  /** Epoch milliseconds SNS accepted it. */
  readonly at: number;
}

export interface ErasureObservations {
  readonly sent: readonly SentErasure[];
  readonly events: readonly PublishedEvent[];
  readonly statusCalls: readonly RecordedRequest[];
  /** Erasure requests in the erasures DLQ, and still in the erasures queue, at the end. */
  readonly deadLettered: number;
  /** The erased people's requests sent again after their erasure (run.ts). */
  readonly requestsResent: number;
  readonly leftInQueue: number;
  /** Every item of the state table at the end. */
  readonly tableItems: readonly Readonly<Record<string, unknown>>[];
  /** The simulator's status of each erased person's verification, by scanRef. */
  readonly markIdStatuses: ReadonlyMap<string, string>;
  /** The handlers' log lines, parsed. */
  readonly logLines: readonly Readonly<Record<string, unknown>>[];
}

export interface ErasureFigures {
  readonly requested: number;
  /** …whose request ended in a `verification.erased` with status `complete`. */
  readonly completed: number;
  /** …that did not (DLQ, still queued, or never worked on). */
  readonly notCompleted: number;
  /** `verification.erased` events with status `pending`: a delivery that had to come back. */
  readonly pendingDeliveries: number;
  readonly deadLettered: number;
  /** Sessions erased here (`erasedHere`), and the requested ones never erased. */
  readonly sessionsErased: number;
  readonly sessionsNotErased: number;
  /** Erased before any final `verification.completed` was published for them. */
  readonly erasedBeforeFinalEvent: number;
  /** Erased people's requests sent again after the erasure… */
  readonly requestsResent: number;
  /** …and the requestIds answered with `verification.failed` reason `erased` (no token). */
  readonly requestsRefused: number;
  /** Results the publisher acknowledged unpublished because their session was erased. */
  readonly resultsNotPublished: number;
  /** Events naming an erased session's scanRef or its person's clientId, published after the erasure. */
  readonly eventsAfterErasure: number;
  readonly statusCallsAfterErasure: number;
  /** State-table items still holding an erased person's clientId, or the session of an erased request. */
  readonly leftInTable: number;
  /** Erased sessions whose verification Mark ID still holds (not DELETED). */
  readonly stillAtMarkId: number;
}

const DELETED_AT_MARK_ID: ReadonlySet<string> = new Set(["DELETED", "EXPIRED-DELETED"]);
const UNPUBLISHED_LINE = "result of an erased session acknowledged unpublished";

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** Each erased session's scanRef, with the time of the first `verification.erased` that erased it here. */
export function erasedSessions(events: readonly PublishedEvent[]): Map<string, number> {
  const erasedAt = new Map<string, number>();
  for (const event of events) {
    if (event.body["type"] !== "verification.erased") continue;
    const sessions = Array.isArray(event.body["sessions"]) ? (event.body["sessions"] as unknown[]) : [];
    for (const session of sessions) {
      const { scanRef, erasedHere } = (session ?? {}) as { scanRef?: unknown; erasedHere?: unknown };
      if (typeof scanRef !== "string" || erasedHere !== true) continue;
      erasedAt.set(scanRef, Math.min(event.at, erasedAt.get(scanRef) ?? Infinity));
    }
  }
  return erasedAt;
}

export function computeErasureFigures(o: ErasureObservations): ErasureFigures {
  const erasedEvents = o.events.filter((event) => event.body["type"] === "verification.erased");
  const erasedAt = erasedSessions(o.events);
  const completedMessages = new Set(
    erasedEvents
      .filter((event) => event.body["status"] === "complete")
      .map((event) => text(event.body["messageId"])),
  );
  const completed = o.sent.filter((erasure) => completedMessages.has(erasure.messageId)).length;

  // When each erased person's clientId stopped being theirs to publish: their session's erasure.
  const clientErasedAt = new Map<string, number>();
  for (const erasure of o.sent) {
    const at = erasedAt.get(erasure.scanRef);
    if (at !== undefined) clientErasedAt.set(erasure.clientId, at);
  }
  const finalScanRefs = new Set(
    o.events
      .filter((event) => event.body["type"] === "verification.completed" && event.body["final"] === true)
      .map((event) => text(event.body["scanRef"])),
  );
  let eventsAfterErasure = 0;
  for (const event of o.events) {
    if (event.body["type"] === "verification.erased") continue;
    const scanAt = erasedAt.get(text(event.body["scanRef"]) ?? "");
    const clientAt = clientErasedAt.get(text(event.body["clientId"]) ?? "");
    if ((scanAt !== undefined && event.at > scanAt) || (clientAt !== undefined && event.at > clientAt))
      eventsAfterErasure += 1;
  }
  const statusCallsAfterErasure = o.statusCalls.filter((call) => {
    const at = erasedAt.get(text(parseObject(call.body)?.["scanRef"]) ?? "");
    return at !== undefined && call.at > at;
  }).length;

  const erasedSent = o.sent.filter((erasure) => erasedAt.has(erasure.scanRef));
  return {
    requested: o.sent.length,
    completed,
    notCompleted: o.sent.length - completed,
    pendingDeliveries: erasedEvents.filter((event) => event.body["status"] === "pending").length,
    deadLettered: o.deadLettered,
    sessionsErased: erasedAt.size,
    sessionsNotErased: o.sent.length - erasedSent.length,
    erasedBeforeFinalEvent: [...erasedAt.keys()].filter((scanRef) => !finalScanRefs.has(scanRef)).length,
    requestsResent: o.requestsResent,
    requestsRefused: new Set(
      o.events
        .filter((event) => event.body["type"] === "verification.failed" && event.body["reason"] === "erased")
        .map((event) => text(event.body["requestId"])),
    ).size,
    resultsNotPublished: o.logLines.filter((line) => line["message"] === UNPUBLISHED_LINE).length,
    eventsAfterErasure,
    statusCallsAfterErasure,
    leftInTable: leftInTable(o.tableItems, erasedSent),
    stillAtMarkId: erasedSent.filter(
      (erasure) => !DELETED_AT_MARK_ID.has(o.markIdStatuses.get(erasure.scanRef) ?? "?"),
    ).length,
  };
}

/** Items holding an erased person's clientId anywhere, or still holding an erased request's session. */
function leftInTable(
  items: readonly Readonly<Record<string, unknown>>[],
  erased: readonly SentErasure[],
): number {
  const clientIds = new Set(erased.map((erasure) => erasure.clientId));
  const sessionKeys = new Set(erased.map((erasure) => `session#${erasure.requestId}`));
  return items.filter(
    (item) =>
      stringsOf(item).some((value) => clientIds.has(value)) ||
      (sessionKeys.has(text(item["pk"]) ?? "") && item["session"] !== undefined),
  ).length;
}

function stringsOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(stringsOf);
  return [];
}
