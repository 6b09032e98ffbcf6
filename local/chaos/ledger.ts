import type { PublishedMessage, SqsMessageSnapshot } from "../aws/index";
import type { RecordedRequest, WebhookDelivery } from "../simulator/index";
import type { BatchReport } from "../stack/sqs-poller";
import {
  computeErasureFigures,
  erasedSessions,
  type ErasureFigures,
  type ErasureRecords,
} from "./erasure-figures";
import { parseObject } from "./json";
import type { ChaosRequest } from "./requests";

/*
 * The figures of a chaos run, computed after it from what the run recorded: the messages sent,
 * everything published on the two topics, the dead-letter queue, the poller's batch reports, the
 * simulator's request log and webhook deliveries, and the handlers' JSON log lines. Pure, so the
 * arithmetic is tested on its own (test/reliability/chaos-ledger.test.ts).
 */

export interface SentMessage {
  readonly messageId: string;
  readonly requestId: string;
  /** A second copy of a request already sent (a duplicate delivery). */
  readonly duplicate: boolean;
}

export interface Disruption {
  readonly name: string;
  /** An AWS outage the webhook depends on (Secrets Manager, SNS), as opposed to a Mark ID event. */
  readonly hitsWebhooks: boolean;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly detail: string;
}

export interface ChaosObservations {
  readonly requests: readonly ChaosRequest[];
  readonly sent: readonly SentMessage[];
  readonly published: readonly PublishedMessage[];
  readonly eventsTopicArn: string;
  readonly alertsTopicArn: string;
  readonly deadLetters: readonly SqsMessageSnapshot[];
  /** Messages still in the request queue at the end (visible, in flight or delayed). */
  readonly leftInQueue: readonly SqsMessageSnapshot[];
  readonly batches: readonly BatchReport[];
  /** The simulator's log of POST /api/v2/token. */
  readonly tokenCalls: readonly RecordedRequest[];
  /** The simulator's log of POST /api/v2/status (the reconciler's calls, and the credential check's probes). */
  readonly statusCalls: readonly RecordedRequest[];
  readonly webhooks: readonly WebhookDelivery[];
  /** Replies to the signed resends of already accepted webhooks (duplicates on purpose). */
  readonly manualResends: readonly { readonly status: number; readonly body: string }[];
  /** The handlers' log lines, parsed (JSON lines only). */
  readonly logLines: readonly Readonly<Record<string, unknown>>[];
  readonly disruptions: readonly Disruption[];
  readonly erasures: ErasureRecords;
  readonly alertWindowSeconds: number;
  /** How far around an outage a webhook attempt may lie and still be hurt by it (SDK retries). */
  readonly outageToleranceMs: number;
}

interface AlertFigures {
  readonly firing: number;
  readonly resolved: number;
  /** Firings of this type less than a window after the previous one with no resolve between. */
  readonly extraFirings: number;
}

export interface ChaosFigures {
  readonly requests: number;
  readonly messagesSent: number;
  readonly duplicatesSent: number;
  readonly invocations: number;
  /** Records handed to the handler (redeliveries counted each time). */
  readonly recordsProcessed: number;
  readonly recordsAcknowledged: number;
  readonly recordsGivenBack: number;
  /** Invocations that threw, timed out or returned an invalid batch response. */
  readonly failedInvocations: number;
  readonly outcomes: {
    readonly sessionCreated: number;
    readonly failureEvent: number;
    readonly deadLettered: number;
    /** In the DLQ although its session was published (an acknowledgement was lost). */
    readonly deadLetteredWithSession: number;
    /** Still in the request queue when the run stopped (only when it stopped on its time limit). */
    readonly unfinished: number;
    readonly lost: number;
  };
  readonly failureReasons: Readonly<Record<string, number>>;
  /**
   * Dead-lettered messages by the last outcome (and identifier) the handler logged for them
   * other than "in-progress", with ", then in-progress" when later deliveries found the requestId held.
   */
  readonly deadLetterCauses: Readonly<Record<string, number>>;
  /** Per record outcome as the handler logged it (session-created, in-progress, markid-failed...). */
  readonly recordOutcomes: Readonly<Record<string, number>>;
  readonly markId: {
    readonly tokenCalls: number;
    readonly tokensMade: number;
    /** Calls that failed, by the label the handler logged (identifier, HTTP_<status>, timeout...). */
    readonly failedCalls: Readonly<Record<string, number>>;
    /** Failed calls that reached Mark ID (failedCalls less the not-sent labels). */
    readonly failedSent: number;
    /** failedSent / tokenCalls: the share of the calls Mark ID received that failed. */
    readonly failedShare: number;
  };
  readonly duplicates: {
    /** requestIds for which Mark ID made more than one token. */
    readonly requestIdsWithExtraTokens: number;
    readonly extraTokens: number;
    /**
     * …of which every extra token follows an outcome the flow could not know (timeout, reset,
     * unreadable reply): one such outcome explains one extra token of its requestId.
     */
    readonly explainedByUnknownOutcome: number;
    /** requestIds with an extra token no unknown outcome explains: duplicate tokens per requestId. */
    readonly unexplained: number;
    readonly unexplainedTokens: number;
    /** requestIds whose session-created events name more than one scanRef. */
    readonly conflictingSessions: number;
    readonly sessionEventsRepublished: number;
  };
  readonly alerts: Readonly<Record<string, AlertFigures>>;
  readonly webhooks: {
    readonly results: number;
    readonly attempts: number;
    readonly accepted: number;
    readonly neverAccepted: number;
    /** Lost outright on Mark ID's side (the simulator's dropWebhooks fault), resends included. */
    readonly dropped: number;
    /** Never accepted, and not explained by an outage that overlapped its resends. */
    readonly lostOutsideOutages: number;
    readonly nonOkReplies: Readonly<Record<string, number>>;
    readonly completedEvents: number;
    readonly duplicateCompletedEvents: number;
    readonly resendsSent: number;
    /** Resends answered 200: accepted again, published no second time (duplicateCompletedEvents). */
    readonly resendsAccepted: number;
  };
  /** Sessions and their results (design.md §4.4): never lost, doubled or crossed. */
  readonly results: {
    /** Sessions published by verification.session-created (one scanRef per requestId). */
    readonly sessions: number;
    /** …with no final verification.completed at all, other than those erased first (erasures). */
    readonly neverDelivered: number;
    /** …with final events of more than one overall status (a doubled ending). */
    readonly severalFinalStatuses: number;
    /** verification.completed events whose requestId or clientId is not their session's. */
    readonly crossed: number;
    /** Published with source "reconciliation": webhooks that were lost. */
    readonly recovered: number;
    /** …by their overall status. */
    readonly recoveredByStatus: Readonly<Record<string, number>>;
    /** …of which the webhook had been accepted (200) for that scanRef: reconciliation won a race. */
    readonly recoveredThoughAccepted: number;
    readonly statusCalls: number;
    /** Distinct scanRefs the reconciler asked about. */
    readonly sessionsAsked: number;
    /** statusCalls / sessionsAsked (0 when none was asked). */
    readonly statusCallsPerSessionAsked: number;
    /** Status calls about a session whose final event had been published before the call. */
    readonly askedAfterFinal: number;
    /** Every published verification.completed's `sequence` is above those before it for its scanRef. */
    readonly sequenceOutOfOrder: number;
  };
  /** Erasure requests and what they left behind (erasure-figures.ts). */
  readonly erasures: ErasureFigures;
}

/** Labels of failed calls that never reached Mark ID (markIdErrorLabel). */
const NOT_SENT_LABELS: ReadonlySet<string> = new Set(["credentials-unavailable", "invalid-request"]);

const tally = (counts: Record<string, number>, key: string, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

export function computeFigures(o: ChaosObservations): ChaosFigures {
  const requestOfMessage = new Map(o.sent.map((message) => [message.messageId, message.requestId]));
  const eventMessages = o.published.filter((message) => message.topicArn === o.eventsTopicArn);
  const events = eventMessages.map((message) => parseObject(message.message) ?? {});
  const eventTimes = eventMessages.map((message) => Date.parse(message.timestamp));
  const alerts = o.published
    .filter((message) => message.topicArn === o.alertsTopicArn)
    .map((message) => ({ body: parseObject(message.message) ?? {}, at: Date.parse(message.timestamp) }));

  // Final state of every requestId.
  const sessions = new Map<string, Set<string>>();
  let sessionEvents = 0;
  const failed = new Map<string, string>();
  const completed = new Map<string, number>();
  for (const event of events) {
    switch (event["type"]) {
      case "verification.session-created": {
        const requestId = text(event["requestId"]);
        if (requestId === undefined) break;
        sessionEvents += 1;
        const scanRefs = sessions.get(requestId) ?? new Set<string>();
        scanRefs.add(text(event["scanRef"]) ?? "?");
        sessions.set(requestId, scanRefs);
        break;
      }
      case "verification.failed": {
        const requestId =
          text(event["requestId"]) ?? requestOfMessage.get(text(event["messageId"]) ?? "") ?? undefined;
        if (requestId !== undefined && !failed.has(requestId))
          failed.set(requestId, text(event["reason"]) ?? "?");
        break;
      }
      case "verification.completed": {
        const key = `${text(event["scanRef"])}|${String(event["final"])}|${text(event["overall"])}`;
        completed.set(key, (completed.get(key) ?? 0) + 1);
        break;
      }
    }
  }
  const requestIdOf = (message: SqsMessageSnapshot) =>
    requestOfMessage.get(message.messageId) ??
    text(parseObject(message.body)?.["requestId"]) ??
    message.messageId;
  const deadLettered = new Set(o.deadLetters.map(requestIdOf));
  const inQueue = new Set(o.leftInQueue.map(requestIdOf));

  let sessionCreated = 0;
  let failureEvent = 0;
  let deadOnly = 0;
  let deadWithSession = 0;
  let unfinished = 0;
  let lost = 0;
  const failureReasons: Record<string, number> = {};
  for (const request of o.requests) {
    const id = request.requestId;
    if (sessions.has(id)) {
      sessionCreated += 1;
      if (deadLettered.has(id)) deadWithSession += 1;
    } else if (failed.has(id)) {
      failureEvent += 1;
      tally(failureReasons, failed.get(id) ?? "?");
    } else if (deadLettered.has(id)) {
      deadOnly += 1;
    } else if (inQueue.has(id)) {
      unfinished += 1;
    } else {
      lost += 1;
    }
  }

  // What the handler logged per record, and per requestId the give-backs that leave Mark ID's
  // side unknown (a token may have been made without the flow learning of it).
  const recordOutcomes: Record<string, number> = {};
  const failedCalls: Record<string, number> = {};
  // Per SQS message, its last outcome other than "in-progress" (another delivery held the
  // requestId) and whether "in-progress" came after it: why a dead-lettered one ended there.
  const decisiveOutcome = new Map<string, string>();
  const heldAfter = new Set<string>();
  // Per requestId, the records that ended without knowing whether Mark ID made a token.
  const unknownOutcomes = new Map<string, number>();
  for (const line of o.logLines) {
    const message = text(line["message"]);
    const outcome = text(line["outcome"]);
    const requestId = text(line["requestId"]);
    if ((message === "record acknowledged" || message === "record given back to the queue") && outcome) {
      tally(recordOutcomes, outcome);
      const identifier = text(line["identifier"]);
      const messageId = text(line["messageId"]);
      if (messageId !== undefined && outcome === "in-progress") heldAfter.add(messageId);
      else if (messageId !== undefined) {
        decisiveOutcome.set(messageId, identifier ? `${outcome} ${identifier}` : outcome);
        heldAfter.delete(messageId);
      }
      if (
        requestId !== undefined &&
        (outcome === "unknown-outcome" ||
          outcome === "unknown-outcome-failed" ||
          (outcome === "markid-failed" && identifier === "schema-mismatch"))
      )
        unknownOutcomes.set(requestId, (unknownOutcomes.get(requestId) ?? 0) + 1);
    }
    if (message?.startsWith("Mark ID call failed")) tally(failedCalls, text(line["identifier"]) ?? "?");
  }

  // Tokens per requestId, from what Mark ID (the simulator) answered 2xx.
  const tokensPerRequest = new Map<string, number>();
  let tokensMade = 0;
  for (const call of o.tokenCalls) {
    if (call.status < 200 || call.status > 299) continue;
    tokensMade += 1;
    const ref = text(parseObject(call.body)?.["externalRef"]) ?? "?";
    tokensPerRequest.set(ref, (tokensPerRequest.get(ref) ?? 0) + 1);
  }
  // Each unknown outcome may explain one extra token of its requestId, no more: a requestId with
  // three tokens and one unknown outcome has one unexplained token.
  let withExtra = 0;
  let extraTokens = 0;
  let explained = 0;
  let unexplained = 0;
  let unexplainedTokens = 0;
  for (const [requestId, tokens] of tokensPerRequest) {
    if (tokens <= 1) continue;
    withExtra += 1;
    extraTokens += tokens - 1;
    const left = Math.max(0, tokens - 1 - (unknownOutcomes.get(requestId) ?? 0));
    if (left === 0) explained += 1;
    else {
      unexplained += 1;
      unexplainedTokens += left;
    }
  }
  // Failures of calls that never left the client (no key pair, a request refused before sending)
  // are not Mark ID faults: the share is of the calls Mark ID (the simulator) received.
  const sentFailedCalls = Object.entries(failedCalls)
    .filter(([label]) => !NOT_SENT_LABELS.has(label))
    .reduce((sum, [, n]) => sum + n, 0);

  const deadLetterCauses: Record<string, number> = {};
  for (const message of o.deadLetters) {
    const decisive = decisiveOutcome.get(message.messageId);
    const held = heldAfter.has(message.messageId);
    tally(
      deadLetterCauses,
      decisive === undefined
        ? held
          ? "in-progress (always held by another delivery)"
          : "no record outcome logged"
        : `${decisive}${held ? ", then in-progress" : ""}`,
    );
  }

  return {
    requests: o.requests.length,
    messagesSent: o.sent.length,
    duplicatesSent: o.sent.filter((message) => message.duplicate).length,
    invocations: o.batches.length,
    recordsProcessed: o.batches.reduce((sum, batch) => sum + batch.messageIds.length, 0),
    recordsAcknowledged: o.batches.reduce((sum, batch) => sum + batch.deleted.length, 0),
    recordsGivenBack: o.batches.reduce((sum, batch) => sum + batch.returned.length, 0),
    failedInvocations: o.batches.filter((batch) => batch.outcome !== "returned").length,
    outcomes: {
      sessionCreated,
      failureEvent,
      deadLettered: deadOnly,
      deadLetteredWithSession: deadWithSession,
      unfinished,
      lost,
    },
    failureReasons,
    recordOutcomes,
    deadLetterCauses,
    markId: {
      tokenCalls: o.tokenCalls.length,
      tokensMade,
      failedCalls,
      failedSent: sentFailedCalls,
      failedShare: o.tokenCalls.length === 0 ? 0 : sentFailedCalls / o.tokenCalls.length,
    },
    duplicates: {
      requestIdsWithExtraTokens: withExtra,
      extraTokens,
      explainedByUnknownOutcome: explained,
      unexplained,
      unexplainedTokens,
      conflictingSessions: [...sessions.values()].filter((scanRefs) => scanRefs.size > 1).length,
      sessionEventsRepublished: sessionEvents - sessions.size,
    },
    alerts: alertFigures(alerts, o.alertWindowSeconds),
    webhooks: webhookFigures(o, completed),
    results: resultFigures(o, events, eventTimes),
    erasures: computeErasureFigures({
      ...o.erasures,
      events: events.map((body, index) => ({ body, at: eventTimes[index] ?? 0 })),
      statusCalls: o.statusCalls,
      logLines: o.logLines,
    }),
  };
}

function alertFigures(
  alerts: readonly { readonly body: Record<string, unknown>; readonly at: number }[],
  windowSeconds: number,
): Record<string, AlertFigures> {
  const byType: Record<string, { firing: number; resolved: number; extra: number; open?: number }> = {};
  for (const { body, at } of alerts) {
    const type = text(body["type"]) ?? "?";
    const entry = (byType[type] ??= { firing: 0, resolved: 0, extra: 0 });
    if (body["state"] === "resolved") {
      entry.resolved += 1;
      delete entry.open;
      continue;
    }
    entry.firing += 1;
    if (entry.open !== undefined && at - entry.open < windowSeconds * 1000) entry.extra += 1;
    else entry.open = at;
  }
  return Object.fromEntries(
    Object.entries(byType).map(([type, entry]) => [
      type,
      { firing: entry.firing, resolved: entry.resolved, extraFirings: entry.extra },
    ]),
  );
}

function webhookFigures(
  o: ChaosObservations,
  completed: ReadonlyMap<string, number>,
): ChaosFigures["webhooks"] {
  const byBody = new Map<string, WebhookDelivery[]>();
  const nonOk: Record<string, number> = {};
  let dropped = 0;
  for (const delivery of o.webhooks) {
    if (delivery.status === "dropped" && delivery.attempt === 1) dropped += 1;
    if (delivery.status === "skipped" || delivery.status === "dropped") continue;
    const attempts = byBody.get(delivery.body) ?? [];
    attempts.push(delivery);
    byBody.set(delivery.body, attempts);
    if (delivery.status !== 200) tally(nonOk, String(delivery.status));
  }
  let accepted = 0;
  let neverAccepted = 0;
  let lostOutside = 0;
  for (const attempts of byBody.values()) {
    if (attempts.some((attempt) => attempt.status === 200)) {
      accepted += 1;
      continue;
    }
    neverAccepted += 1;
    const first = Math.min(...attempts.map((attempt) => attempt.at));
    const last = Math.max(...attempts.map((attempt) => attempt.at));
    const tolerance = o.outageToleranceMs;
    const duringOutage = o.disruptions.some(
      (d) => d.hitsWebhooks && first <= d.endedAt + tolerance && last + tolerance >= d.startedAt,
    );
    if (!duringOutage) lostOutside += 1;
  }
  const resendsAccepted = o.manualResends.filter((reply) => reply.status === 200).length;
  return {
    results: byBody.size,
    attempts: [...byBody.values()].reduce((sum, attempts) => sum + attempts.length, 0),
    accepted,
    neverAccepted,
    dropped,
    lostOutsideOutages: lostOutside,
    nonOkReplies: nonOk,
    completedEvents: [...completed.values()].reduce((sum, n) => sum + n, 0),
    duplicateCompletedEvents: [...completed.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    resendsSent: o.manualResends.length,
    resendsAccepted,
  };
}

interface SessionOfScanRef {
  readonly requestId: string;
  readonly clientId: string | undefined;
}

function resultFigures(
  o: ChaosObservations,
  events: readonly Record<string, unknown>[],
  publishedAt: readonly number[],
): ChaosFigures["results"] {
  const erased = erasedSessions(events.map((body, index) => ({ body, at: publishedAt[index] ?? 0 })));
  const sessionOf = new Map<string, SessionOfScanRef>();
  for (const event of events) {
    if (event["type"] !== "verification.session-created") continue;
    const scanRef = text(event["scanRef"]);
    const requestId = text(event["requestId"]);
    if (scanRef !== undefined && requestId !== undefined)
      sessionOf.set(scanRef, { requestId, clientId: text(event["clientId"]) });
  }
  const finalStatuses = new Map<string, Set<string>>();
  const finalAt = new Map<string, number>();
  const lastSequence = new Map<string, number>();
  let crossed = 0;
  let recovered = 0;
  const recoveredByStatus: Record<string, number> = {};
  let outOfOrder = 0;
  events.forEach((event, index) => {
    if (event["type"] !== "verification.completed") return;
    const scanRef = text(event["scanRef"]) ?? "?";
    const session = sessionOf.get(scanRef);
    const requestId = text(event["requestId"]);
    if (
      session !== undefined &&
      ((requestId !== undefined && requestId !== session.requestId) ||
        (session.clientId !== undefined && text(event["clientId"]) !== session.clientId))
    )
      crossed += 1;
    if (event["source"] === "reconciliation") {
      recovered += 1;
      tally(recoveredByStatus, text(event["overall"]) ?? "?");
    }
    const sequence = typeof event["sequence"] === "number" ? event["sequence"] : 0;
    if (sequence <= (lastSequence.get(scanRef) ?? 0)) outOfOrder += 1;
    lastSequence.set(scanRef, Math.max(sequence, lastSequence.get(scanRef) ?? 0));
    if (event["final"] === true) {
      const statuses = finalStatuses.get(scanRef) ?? new Set<string>();
      statuses.add(text(event["overall"]) ?? "?");
      finalStatuses.set(scanRef, statuses);
      if (!finalAt.has(scanRef)) finalAt.set(scanRef, publishedAt[index] ?? 0);
    }
  });
  const asked = new Map<string, number>();
  let askedAfterFinal = 0;
  // Only calls about this run's sessions: the credential check probes with a scanRef that cannot exist.
  const sessionCalls = o.statusCalls.filter((call) =>
    sessionOf.has(text(parseObject(call.body)?.["scanRef"]) ?? ""),
  );
  for (const call of sessionCalls) {
    const scanRef = text(parseObject(call.body)?.["scanRef"]) ?? "?";
    asked.set(scanRef, (asked.get(scanRef) ?? 0) + 1);
    const final = finalAt.get(scanRef);
    if (final !== undefined && call.at > final) askedAfterFinal += 1;
  }
  const acceptedScanRefs = new Set(
    o.webhooks
      .filter((delivery) => delivery.status === 200)
      .map((delivery) => text(parseObject(delivery.body)?.["scanRef"]) ?? ""),
  );
  const recoveredThoughAccepted = events.filter(
    (event) =>
      event["type"] === "verification.completed" &&
      event["source"] === "reconciliation" &&
      acceptedScanRefs.has(text(event["scanRef"]) ?? ""),
  ).length;
  const sessions = [...sessionOf.keys()];
  return {
    sessions: sessions.length,
    // A session erased before its result has nothing left to deliver (its result is not published).
    neverDelivered: sessions.filter((scanRef) => !finalStatuses.has(scanRef) && !erased.has(scanRef)).length,
    severalFinalStatuses: [...finalStatuses.values()].filter((statuses) => statuses.size > 1).length,
    crossed,
    recovered,
    recoveredByStatus,
    recoveredThoughAccepted,
    statusCalls: sessionCalls.length,
    sessionsAsked: asked.size,
    statusCallsPerSessionAsked: asked.size === 0 ? 0 : sessionCalls.length / asked.size,
    askedAfterFinal,
    sequenceOutOfOrder: outOfOrder,
  };
}
