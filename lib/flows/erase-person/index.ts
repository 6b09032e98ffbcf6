import { okAsync, ResultAsync } from "neverthrow";
import { describeAwsError, type AwsError } from "../../aws/aws-error";
import type { ErasableSession } from "../../aws/erasures";
import type { ErasedSession, VerificationErasedEvent } from "../../messages";
import { deleteAtMarkId } from "./delete-at-mark-id";
import { erasureIdOf, parseErasureRequest, type ErasureTarget } from "./request";
import type { ErasePersonDependencies, ErasePersonOptions, ErasureOutcome } from "./types";

/*
 * Right to erasure (issue 16): one message on the erasures queue,
 *   { "erase": { "clientId": "..." } }  every session of the person, found by the client-sessions index
 *   { "erase": { "scanRef": "..." } }   one session
 * For each session: POST /api/v2/delete under the error policy, then our copy goes (the
 * `session#` item becomes a tombstone, the `scan#` item loses clientId and requestId and is closed
 * for the reconciler and the publisher: erasures.ts). Then one
 * `verification.erased` tells what this delivery did, with an erasureId (a hash), never the clientId.
 *
 *   deleted, already deleted (retention), refused for this session alone → our copy goes too
 *   "Token has not expired yet." (Mark ID keeps a live session) or Mark ID unavailable → the
 *     session is kept as it is and the message given back: a later delivery finds the sessions
 *     left (the index still holds them) and finishes; `status: "pending"` until then. The queue's
 *     visibility timeout and receive count outlast Mark ID's default token lifetime (a day).
 *   an unreadable message → `status: "invalid-request"` with the paths of the bad fields, never
 *     their values, and acknowledged: resending it unchanged cannot help.
 *   the table or the topic failing → given back; what was erased before is on the request's record
 *     (erasure#<messageId>), so the redelivery reports it though the index no longer finds it.
 *
 * Nothing here logs: the handler logs the outcome's counts (report.ts), never the body.
 */

export type { ErasePersonDependencies, ErasePersonOptions, ErasureOutcome } from "./types";
export { isErasureAcknowledged } from "./types";
export { erasureIdOf } from "./request";

export async function erasePerson(
  body: string,
  deps: ErasePersonDependencies,
  options: ErasePersonOptions,
): Promise<ErasureOutcome> {
  const target = parseErasureRequest(body);
  if ("fields" in target) {
    return publish(deps, options, {
      status: "invalid-request",
      sessions: [],
      pending: 0,
      fields: target.fields,
    });
  }
  const erasureId = erasureIdOf(target);
  // First the mark that keeps the results of sessions the table never knew from being published.
  const marked =
    "clientId" in target ? deps.erasedClients.mark(target.clientId, deps.now()) : okAsync(undefined);
  // What an earlier delivery erased: an erasure by clientId no longer finds those sessions.
  return marked
    .andThen(() => deps.erasures.erasedBy(options.messageId))
    .andThen((earlier) =>
      sessionsOf(target, deps)
        .andThen((sessions) => eraseAll(sessions, earlier, deps, options))
        .andThen((now) => onlyEarlier(earlier, now, deps).map((before) => [...before, ...now])),
    )
    .match(
      (done) => {
        const pending = done.filter((session) => !session.erasedHere).length;
        return publish(deps, options, {
          erasureId,
          status: pending === 0 ? "complete" : "pending",
          sessions: done,
          pending,
          fields: [],
        });
      },
      (error) => givenBack("state-failed", error),
    );
}

/** One session after the other: Mark ID's rate limit is shared with the other functions. */
function eraseAll(
  sessions: readonly ErasableSession[],
  earlier: readonly ErasedSession[],
  deps: ErasePersonDependencies,
  options: ErasePersonOptions,
): ResultAsync<readonly ErasedSession[], AwsError> {
  return sessions.reduce<ResultAsync<readonly ErasedSession[], AwsError>>(
    (chain, session) =>
      chain.andThen((done) =>
        eraseOne(
          session,
          earlier.findLast((e) => e.scanRef === session.scanRef),
          deps,
          options,
        ).map((erased) => [...done, erased]),
      ),
    okAsync([]),
  );
}

/**
 * The sessions only an earlier delivery erased (its event may be lost), each with its last
 * sequence read again: blanking a `scan#` item twice changes nothing, and gives the counter.
 */
function onlyEarlier(
  earlier: readonly ErasedSession[],
  now: readonly ErasedSession[],
  deps: ErasePersonDependencies,
): ResultAsync<readonly ErasedSession[], AwsError> {
  const reported = new Set(now.map((session) => session.scanRef));
  const left = new Map<string, ErasedSession>();
  for (const session of earlier) if (!reported.has(session.scanRef)) left.set(session.scanRef, session);
  const nowMs = deps.now();
  return ResultAsync.combine(
    [...left.values()].map((session) =>
      deps.erasures
        .forget({ scanRef: session.scanRef, requestId: "", clientId: "", tokenExpiresAtMs: 0 }, nowMs)
        .map(({ lastSequence }) => ({ ...session, lastSequence })),
    ),
  );
}

function sessionsOf(
  target: ErasureTarget,
  deps: ErasePersonDependencies,
): ResultAsync<readonly ErasableSession[], AwsError> {
  if ("scanRef" in target) {
    return (
      deps.erasures
        .sessionOf(target.scanRef)
        // A scanRef the table does not know (or no longer names a person): Mark ID may still hold it.
        .map((session) => [
          session ?? { scanRef: target.scanRef, requestId: "", clientId: "", tokenExpiresAtMs: 0 },
        ])
    );
  }
  return deps.erasures
    .scanRefsOf(target.clientId)
    .andThen((scanRefs) => ResultAsync.combine(scanRefs.map((scanRef) => deps.erasures.sessionOf(scanRef))))
    .map((sessions) =>
      // The index is read eventually consistently: a session erased meanwhile is left out.
      sessions.filter((s): s is ErasableSession => s !== undefined && s.clientId === target.clientId),
    );
}

/**
 * Mark ID's copy, then ours. A session is noted on the request's record before our copy goes, so
 * a delivery that fails after it still gets reported by the next; one an earlier delivery noted is
 * not asked of Mark ID again.
 */
function eraseOne(
  session: ErasableSession,
  earlier: ErasedSession | undefined,
  deps: ErasePersonDependencies,
  options: ErasePersonOptions,
): ResultAsync<ErasedSession, AwsError> {
  const atMarkId: ResultAsync<Pick<ErasedSession, "markId" | "identifier">, never> = earlier !== undefined
    ? okAsync({
        markId: earlier.markId,
        ...(earlier.identifier === undefined ? {} : { identifier: earlier.identifier }),
      })
    : session.deletedAt !== undefined
      ? okAsync({ markId: "already-deleted" })
      : ResultAsync.fromSafePromise(deleteAtMarkId(session.scanRef, deps, options));
  return atMarkId.andThen((result) => {
    const keep = result.markId === "not-yet" || result.markId === "unavailable";
    const erased: ErasedSession = { scanRef: session.scanRef, ...result, erasedHere: !keep };
    if (keep) return okAsync(erased);
    const nowMs = deps.now();
    const deletedAt = result.markId === "deleted" ? new Date(nowMs).toISOString() : undefined;
    const noted =
      earlier === undefined
        ? deps.erasures.recordErased(options.messageId, erased, nowMs)
        : okAsync(undefined);
    return noted
      .andThen(() => deps.erasures.forget(session, nowMs, deletedAt))
      .map(({ lastSequence }) => ({ ...erased, lastSequence }));
  });
}

function publish(
  deps: ErasePersonDependencies,
  options: ErasePersonOptions,
  body: Omit<VerificationErasedEvent, "type" | "messageId" | "at">,
): Promise<ErasureOutcome> {
  const event: VerificationErasedEvent = {
    type: "verification.erased",
    ...body,
    messageId: options.messageId,
    at: new Date(deps.now()).toISOString(),
  };
  return deps.notifier.publishEvent(event).match(
    (): ErasureOutcome => ({
      kind: "published",
      status: event.status,
      sessions: event.sessions.length,
      pending: event.pending,
    }),
    (error) => givenBack("publish-failed", error),
  );
}

function givenBack(reason: "state-failed" | "publish-failed", error: AwsError): ErasureOutcome {
  return { kind: "given-back", reason, detail: describeAwsError(error) };
}
