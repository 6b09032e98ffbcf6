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

/** What the run recorded of its erasures alone (run.ts). */
export interface ErasureRecords {
  /** The erasure requests sent (erasures.ts). */
  readonly sent: readonly SentErasure[];
  /** The erased people's requests sent again after their erasure. */
  readonly requestsResent: number;
  /** Erasure requests in the erasures DLQ at the end. */
  readonly deadLettered: number;
  /** Every item of the state table at the end. */
  readonly tableItems: readonly Readonly<Record<string, unknown>>[];
  /** The simulator's status of each erased person's verification, by scanRef. */
  readonly markIdStatuses: ReadonlyMap<string, string>;
}

export interface ErasureObservations extends ErasureRecords {
  readonly events: readonly PublishedEvent[];
  readonly statusCalls: readonly RecordedRequest[];
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
  /**
   * Events naming an erased session's scanRef or its person's clientId, published after the
   * erasure, other than the results in flight at it (below).
   */
  readonly eventsAfterErasure: number;
  /** …by event type, and whether its scanRef was a session the run saw created, so a finding says what it was. */
  readonly eventsAfterErasureByKind: Readonly<Record<string, number>>;
  /** Results numbered before the erasure (no higher than its `lastSequence`) but published after it. */
  readonly resultsInFlightAtErasure: number;
  readonly statusCallsAfterErasure: number;
  /** State-table items still holding an erased person's clientId, or the session of an erased request. */
  readonly leftInTable: number;
  /** Erased sessions whose verification Mark ID still holds (not DELETED). */
  readonly stillAtMarkId: number;
}

const DELETED_AT_MARK_ID: ReadonlySet<string> = new Set(["DELETED", "EXPIRED-DELETED"]);
const UNPUBLISHED_LINE = "result of an erased session acknowledged unpublished";

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

interface Erasure {
  /** When the first `verification.erased` that erased the session here was published. */
  readonly at: number;
  /** Its `lastSequence`: a result numbered no higher was on its way out at the erasure. */
  readonly lastSequence: number;
}

/** Each erased session, by scanRef. */
export function erasedSessions(events: readonly PublishedEvent[]): Map<string, Erasure> {
  const erased = new Map<string, Erasure>();
  for (const event of events) {
    if (event.body["type"] !== "verification.erased") continue;
    const sessions = Array.isArray(event.body["sessions"]) ? (event.body["sessions"] as unknown[]) : [];
    for (const session of sessions) {
      const { scanRef, erasedHere, lastSequence } = (session ?? {}) as Record<string, unknown>;
      if (typeof scanRef !== "string" || erasedHere !== true) continue;
      if ((erased.get(scanRef)?.at ?? Infinity) <= event.at) continue;
      erased.set(scanRef, {
        at: event.at,
        lastSequence: typeof lastSequence === "number" ? lastSequence : 0,
      });
    }
  }
  return erased;
}

export function computeErasureFigures(o: ErasureObservations): ErasureFigures {
  const erasedEvents = o.events.filter((event) => event.body["type"] === "verification.erased");
  const erased = erasedSessions(o.events);
  const completedMessages = new Set(
    erasedEvents
      .filter((event) => event.body["status"] === "complete")
      .map((event) => text(event.body["messageId"])),
  );
  const completed = o.sent.filter((erasure) => completedMessages.has(erasure.messageId)).length;

  // When each erased person's clientId stopped being theirs to publish: their session's erasure.
  const clientErasure = new Map<string, Erasure>();
  for (const erasure of o.sent) {
    const found = erased.get(erasure.scanRef);
    if (found !== undefined) clientErasure.set(erasure.clientId, found);
  }
  const finalScanRefs = new Set(
    o.events
      .filter((event) => event.body["type"] === "verification.completed" && event.body["final"] === true)
      .map((event) => text(event.body["scanRef"])),
  );
  let eventsAfterErasure = 0;
  const eventsAfterErasureByKind: Record<string, number> = {};
  const createdScanRefs = new Set(
    o.events
      .filter((event) => event.body["type"] === "verification.session-created")
      .map((event) => text(event.body["scanRef"])),
  );
  let resultsInFlight = 0;
  for (const event of o.events) {
    if (event.body["type"] === "verification.erased") continue;
    const erasure =
      erased.get(text(event.body["scanRef"]) ?? "") ?? clientErasure.get(text(event.body["clientId"]) ?? "");
    if (erasure === undefined || event.at <= erasure.at) continue;
    const sequence = event.body["sequence"];
    // Numbered before the erasure, published after it: the race verification.erased's lastSequence
    // tells consumers of (design.md §4.6). A higher number would mean a result drawn after it.
    const inFlight =
      event.body["type"] === "verification.completed" &&
      typeof sequence === "number" &&
      sequence <= erasure.lastSequence;
    if (inFlight) resultsInFlight += 1;
    else {
      eventsAfterErasure += 1;
      const scanRef = text(event.body["scanRef"]);
      const kind = `${text(event.body["type"]) ?? "?"}${scanRef === undefined || createdScanRefs.has(scanRef) ? "" : " (a session never announced)"}`;
      eventsAfterErasureByKind[kind] = (eventsAfterErasureByKind[kind] ?? 0) + 1;
    }
  }
  const statusCallsAfterErasure = o.statusCalls.filter((call) => {
    const erasure = erased.get(text(parseObject(call.body)?.["scanRef"]) ?? "");
    return erasure !== undefined && call.at > erasure.at;
  }).length;

  const erasedSent = o.sent.filter((erasure) => erased.has(erasure.scanRef));
  return {
    requested: o.sent.length,
    completed,
    notCompleted: o.sent.length - completed,
    pendingDeliveries: erasedEvents.filter((event) => event.body["status"] === "pending").length,
    deadLettered: o.deadLettered,
    sessionsErased: erased.size,
    sessionsNotErased: o.sent.length - erasedSent.length,
    erasedBeforeFinalEvent: [...erased.keys()].filter((scanRef) => !finalScanRefs.has(scanRef)).length,
    requestsResent: o.requestsResent,
    requestsRefused: new Set(
      o.events
        .filter((event) => event.body["type"] === "verification.failed" && event.body["reason"] === "erased")
        .map((event) => text(event.body["requestId"])),
    ).size,
    resultsNotPublished: o.logLines.filter((line) => line["message"] === UNPUBLISHED_LINE).length,
    eventsAfterErasure,
    eventsAfterErasureByKind,
    resultsInFlightAtErasure: resultsInFlight,
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
