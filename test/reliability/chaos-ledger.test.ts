import { describe, expect, it } from "vitest";
import type { PublishedMessage, SqsMessageSnapshot } from "../../local/aws/index";
import { computeFigures, type ChaosObservations } from "../../local/chaos/ledger";
import type { RecordedRequest } from "../../local/simulator/index";

/*
 * The chaos run's arithmetic on hand-made observations: what counts as lost, which extra tokens an
 * unknown outcome explains, which failed calls count as Mark ID faults, and when an alert fired
 * twice in one window. The run itself is test/reliability/chaos.test.ts.
 */

const EVENTS = "arn:events";
const ALERTS = "arn:alerts";

const request = (index: number) => ({
  index,
  requestId: `r${index}`,
  kind: "plain" as const,
  body: JSON.stringify({ requestId: `r${index}`, clientId: "c" }),
});

const event = (body: Record<string, unknown>, at = "2026-01-01T00:00:00.000Z"): PublishedMessage => ({
  messageId: `sns-${Math.random()}`,
  topicArn: body["type"]?.toString().startsWith("markid.") ? ALERTS : EVENTS,
  message: JSON.stringify(body),
  messageAttributes: {},
  timestamp: at,
});

const tokenCall = (externalRef: string, status: number): RecordedRequest => ({
  method: "POST",
  path: "/api/v2/token",
  headers: {},
  body: JSON.stringify({ clientId: "c", externalRef }),
  at: 0,
  authorized: true,
  status,
});

const snapshot = (messageId: string, body = "{}"): SqsMessageSnapshot => ({
  messageId,
  body,
  messageAttributes: {},
  state: "visible",
  receiveCount: 5,
  sentTimestamp: 0,
});

const recordLine = (requestId: string, messageId: string, outcome: string, identifier?: string) => ({
  message: "record given back to the queue",
  requestId,
  messageId,
  outcome,
  ...(identifier === undefined ? {} : { identifier }),
});

function observations(overrides: Partial<ChaosObservations>): ChaosObservations {
  return {
    requests: [],
    sent: [],
    published: [],
    eventsTopicArn: EVENTS,
    alertsTopicArn: ALERTS,
    deadLetters: [],
    leftInQueue: [],
    batches: [],
    tokenCalls: [],
    statusCalls: [],
    webhooks: [],
    manualResends: [],
    logLines: [],
    erasures: { sent: [], requestsResent: 0, deadLettered: 0, tableItems: [], markIdStatuses: new Map() },
    disruptions: [],
    alertWindowSeconds: 3600,
    outageToleranceMs: 3000,
    ...overrides,
  };
}

describe("computeFigures", () => {
  it("settles each request once: session, failure event, DLQ, still queued, or lost", () => {
    const requests = [0, 1, 2, 3, 4, 5].map(request);
    const sent = requests.map((r) => ({
      messageId: `m${r.index}`,
      requestId: r.requestId,
      duplicate: false,
    }));
    const figures = computeFigures(
      observations({
        requests,
        sent,
        published: [
          event({ type: "verification.session-created", requestId: "r0", scanRef: "s0" }),
          // A failure event without requestId (the body was not JSON) is matched by messageId.
          event({ type: "verification.failed", messageId: "m1", reason: "invalid-request" }),
        ],
        deadLetters: [snapshot("m2"), snapshot("m5")],
        leftInQueue: [snapshot("m3")],
        logLines: [
          recordLine("r2", "m2", "markid-failed", "JSON_ERROR"),
          // r5's token reply was unreadable; its claim is kept, so its redeliveries find it held.
          recordLine("r5", "m5", "markid-failed", "schema-mismatch"),
          recordLine("r5", "m5", "in-progress"),
          recordLine("r5", "m5", "in-progress"),
        ],
      }),
    );
    expect(figures.outcomes).toEqual({
      sessionCreated: 1,
      failureEvent: 1,
      deadLettered: 2,
      deadLetteredWithSession: 0,
      unfinished: 1,
      lost: 1,
    });
    expect(figures.failureReasons).toEqual({ "invalid-request": 1 });
    expect(figures.deadLetterCauses).toEqual({
      "markid-failed JSON_ERROR": 1,
      "markid-failed schema-mismatch, then in-progress": 1,
    });
  });

  it("lets one unknown outcome explain one extra token of its own requestId, no more", () => {
    const figures = computeFigures(
      observations({
        requests: [0, 1, 2].map(request),
        tokenCalls: [
          // r0: two tokens after one unknown outcome: explained.
          tokenCall("r0", 201),
          tokenCall("r0", 201),
          // r1: three tokens after one unknown outcome: one unexplained.
          tokenCall("r1", 201),
          tokenCall("r1", 201),
          tokenCall("r1", 201),
          // r2: two tokens, no unknown outcome at all (another requestId's does not count).
          tokenCall("r2", 200),
          tokenCall("r2", 201),
          tokenCall("r2", 500),
        ],
        logLines: [
          recordLine("r0", "m0", "unknown-outcome"),
          recordLine("r1", "m1", "unknown-outcome"),
          recordLine("r9", "m9", "unknown-outcome"),
        ],
      }),
    );
    expect(figures.duplicates).toMatchObject({
      requestIdsWithExtraTokens: 3,
      extraTokens: 4,
      explainedByUnknownOutcome: 1,
      unexplained: 2,
      unexplainedTokens: 2,
    });
    expect(figures.markId.tokensMade).toBe(7);
  });

  it("counts as Mark ID faults only the failed calls Mark ID received", () => {
    const failedCall = (identifier: string) => ({ message: "Mark ID call failed; retrying", identifier });
    const figures = computeFigures(
      observations({
        tokenCalls: [tokenCall("a", 502), tokenCall("b", 201), tokenCall("c", 201), tokenCall("d", 429)],
        logLines: [failedCall("HTTP_502"), failedCall("HTTP_429"), failedCall("credentials-unavailable")],
      }),
    );
    expect(figures.markId).toMatchObject({ tokenCalls: 4, failedSent: 2, failedShare: 0.5 });
    expect(figures.markId.failedCalls).toEqual({ HTTP_502: 1, HTTP_429: 1, "credentials-unavailable": 1 });
  });

  it("counts a second firing within the window as extra, unless a resolve came between", () => {
    const alert = (state: string, at: string) =>
      event({ type: "markid.token-limit-reached", state }, `2026-01-01T${at}.000Z`);
    const figures = computeFigures(
      observations({
        published: [
          alert("firing", "00:00:00"),
          alert("firing", "00:10:00"), // extra: same window, still open
          alert("resolved", "00:20:00"),
          alert("firing", "00:30:00"), // a new episode
          alert("firing", "01:40:00"), // a new window
        ],
      }),
    );
    expect(figures.alerts["markid.token-limit-reached"]).toEqual({ firing: 4, resolved: 1, extraFirings: 1 });
  });

  it("finds a session with no final result, one with two final statuses, a crossed event and an early ask", () => {
    const created = (requestId: string, scanRef: string) =>
      event({ type: "verification.session-created", requestId, clientId: `c-${requestId}`, scanRef });
    const completed = (scanRef: string, fields: Record<string, unknown>, at = "2026-01-01T00:00:00.000Z") =>
      event({ type: "verification.completed", scanRef, final: true, overall: "APPROVED", ...fields }, at);
    const statusCall = (scanRef: string, at: number): RecordedRequest => ({
      ...tokenCall("x", 200),
      path: "/api/v2/status",
      body: JSON.stringify({ scanRef }),
      at,
    });
    const figures = computeFigures(
      observations({
        published: [
          created("r1", "s1"),
          created("r2", "s2"),
          created("r3", "s3"),
          created("r4", "s4"),
          // s1: one final event, by webhook: fine.
          completed("s1", { clientId: "c-r1", sequence: 1, source: "webhook" }),
          // s2: a non-final result only: never delivered.
          completed("s2", { clientId: "c-r2", final: false, sequence: 1 }),
          // s3: two different final statuses, the second out of order, the first recovered.
          completed("s3", { clientId: "c-r3", sequence: 2, source: "reconciliation" }),
          completed("s3", { clientId: "c-r3", sequence: 1, overall: "DENIED" }),
          // s4: another session's requestId: crossed.
          completed("s4", { clientId: "c-r4", requestId: "r1", sequence: 1 }, "2026-01-01T00:00:10.000Z"),
        ],
        statusCalls: [
          statusCall("s2", Date.parse("2026-01-01T00:00:05.000Z")),
          statusCall("s2", Date.parse("2026-01-01T00:00:06.000Z")),
          // s1's final event was out at 00:00:00: asking at 00:00:05 is asking too late.
          statusCall("s1", Date.parse("2026-01-01T00:00:05.000Z")),
          // s4's was out only at 00:00:10.
          statusCall("s4", Date.parse("2026-01-01T00:00:05.000Z")),
        ],
      }),
    );
    expect(figures.results).toEqual({
      sessions: 4,
      neverDelivered: 1,
      severalFinalStatuses: 1,
      crossed: 1,
      recovered: 1,
      recoveredByStatus: { APPROVED: 1 },
      recoveredThoughAccepted: 0,
      statusCalls: 4,
      sessionsAsked: 3,
      statusCallsPerSessionAsked: 4 / 3,
      askedAfterFinal: 1,
      sequenceOutOfOrder: 1,
    });
  });
});

describe("erasure figures", () => {
  const at = (second: number) => `2026-01-01T00:00:${String(second).padStart(2, "0")}.000Z`;
  const erasure = (n: number, messageId: string) => ({
    messageId,
    requestId: `r${n}`,
    clientId: `c-r${n}`,
    scanRef: `s${n}`,
    by: "clientId" as const,
    sentAt: 0,
  });
  const erased = (messageId: string, status: string, sessions: Record<string, unknown>[], second: number) =>
    event({ type: "verification.erased", messageId, status, sessions, pending: 0, fields: [] }, at(second));

  it("counts what came after an erasure, what the table and Mark ID kept, and exempts an erased session from delivery", () => {
    const figures = computeFigures(
      observations({
        published: [
          event(
            { type: "verification.session-created", requestId: "r1", scanRef: "s1", clientId: "c-r1" },
            at(0),
          ),
          event(
            { type: "verification.session-created", requestId: "r2", scanRef: "s2", clientId: "c-r2" },
            at(0),
          ),
          event(
            { type: "verification.session-created", requestId: "r3", scanRef: "s3", clientId: "c-r3" },
            at(0),
          ),
          // r1: pending (token not expired), then erased at 00:00:10, before any result.
          erased("e1", "pending", [{ scanRef: "s1", markId: "not-yet", erasedHere: false }], 5),
          erased("e1", "complete", [{ scanRef: "s1", markId: "deleted", erasedHere: true }], 10),
          // r2: its result at 00:00:03, erased at 00:00:12; a result numbered after it (2 > 1) at 00:00:20.
          event(
            { type: "verification.completed", scanRef: "s2", clientId: "c-r2", final: true, sequence: 1 },
            at(3),
          ),
          erased(
            "e2",
            "complete",
            [{ scanRef: "s2", markId: "deleted", erasedHere: true, lastSequence: 1 }],
            12,
          ),
          // Numbered 1 before the erasure, published after it: in flight, as its lastSequence says.
          event(
            { type: "verification.completed", scanRef: "s2", clientId: "c-r2", final: false, sequence: 1 },
            at(15),
          ),
          event(
            { type: "verification.completed", scanRef: "s2", clientId: "c-r2", final: true, sequence: 2 },
            at(20),
          ),
          // r3's erasure never completed; r1's request, sent again, was refused.
          event({ type: "verification.failed", requestId: "r1", reason: "erased", fields: [] }, at(30)),
        ],
        statusCalls: [
          {
            ...tokenCall("x", 200),
            path: "/api/v2/status",
            body: JSON.stringify({ scanRef: "s1" }),
            at: Date.parse(at(8)),
          },
          {
            ...tokenCall("x", 200),
            path: "/api/v2/status",
            body: JSON.stringify({ scanRef: "s1" }),
            at: Date.parse(at(11)),
          },
        ],
        erasures: {
          sent: [erasure(1, "e1"), erasure(2, "e2"), erasure(3, "e3")],
          requestsResent: 2,
          deadLettered: 1,
          tableItems: [
            { pk: "session#r1", status: "erased" },
            { pk: "session#r2", status: "published", session: { scanRef: "s2" } },
            { pk: "scan#s1", sequence: 1 },
            { pk: "scan#s3", clientId: "c-r3" },
          ],
          markIdStatuses: new Map([
            ["s1", "EXPIRED-DELETED"],
            ["s2", "APPROVED"],
            ["s3", "ACTIVE"],
          ]),
        },
        logLines: [{ message: "result of an erased session acknowledged unpublished", scanRef: "s1" }],
      }),
    );
    expect(figures.erasures).toEqual({
      requested: 3,
      completed: 2,
      notCompleted: 1,
      pendingDeliveries: 1,
      deadLettered: 1,
      requestsResent: 2,
      requestsRefused: 1,
      sessionsErased: 2,
      sessionsNotErased: 1,
      erasedBeforeFinalEvent: 1,
      resultsNotPublished: 1,
      eventsAfterErasure: 1,
      eventsAfterErasureByKind: { "verification.completed": 1 },
      resultsInFlightAtErasure: 1,
      statusCallsAfterErasure: 1,
      // r2's session# item still holds the session; r3 was never erased, so its clientId is no finding.
      leftInTable: 1,
      stillAtMarkId: 1,
    });
    // s1 was erased before any result: nothing was left to deliver. s3 never got one.
    expect(figures.results.neverDelivered).toBe(1);
  });
});
