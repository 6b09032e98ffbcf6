import type { OpenSession } from "../../aws/open-sessions";
import type { StatusResponse } from "../../markid/schemas/verification";
import type { PendingCompletedEvent } from "../../messages";

/*
 * What a POST /api/v2/status reply means for a session (design.md §4.4, markid-api.md §6.2, §8):
 * ACTIVE (token unused, still valid) and REVIEWING (a person is reviewing it) are in progress;
 * every other value is final (APPROVED, DENIED, SUSPECTED, EXPIRED, EXPIRED-DELETED, DELETED,
 * ARCHIVED, and one not known yet, published as it is).
 */

const IN_PROGRESS: ReadonlySet<string> = new Set(["ACTIVE", "REVIEWING"]);
/** The automatic results a manual review may follow (an EXPIRED session has nothing to review). */
const REVIEWABLE: ReadonlySet<string> = new Set(["APPROVED", "DENIED", "SUSPECTED"]);

/**
 * In progress: ACTIVE or REVIEWING; or, for a session whose automatic result came with `final:
 * false` (a manual review follows), a reply without a manual decision yet. REVIEWING is a feature
 * Mark ID switches on per account (markid-api.md §8); without it the status endpoint shows the
 * automatic result during the review, and taking that for the final one would publish it early.
 * The review's own webhook closes the session; if that one is lost, the status shows the manual
 * decision and the next ask publishes it.
 */
export function isInProgress(session: Pick<OpenSession, "reviewPending">, reply: StatusResponse): boolean {
  if (IN_PROGRESS.has(reply.status)) return true;
  return (
    session.reviewPending &&
    REVIEWABLE.has(reply.status) &&
    text(reply.manualDocument) === null &&
    text(reply.manualFace) === null
  );
}

/** The reply concerns another verification than the one asked about: never published for this one. */
export const isForAnotherScanRef = (session: OpenSession, reply: StatusResponse): boolean =>
  reply.scanRef !== undefined && reply.scanRef !== session.scanRef;

/**
 * The reconciled `verification.completed` for a final status, but for its `sequence` (the
 * publisher draws it). The status endpoint carries no personal data, so `data` is null; nor does
 * it carry the externalRef. Empty strings ("empty if not reviewed yet") become null, as the
 * webhook's do.
 */
export function toReconciledEvent(
  session: OpenSession,
  reply: StatusResponse,
  receivedAtMs: number,
): PendingCompletedEvent {
  return {
    type: "verification.completed",
    scanRef: session.scanRef,
    ...(session.requestId === "" ? {} : { requestId: session.requestId }),
    clientId: reply.clientId ?? session.clientId,
    externalRef: null,
    final: true,
    overall: reply.status,
    fraudTags: reply.fraudTags ?? [],
    mismatchTags: reply.mismatchTags ?? [],
    autoDocument: text(reply.autoDocument),
    autoFace: text(reply.autoFace),
    manualDocument: text(reply.manualDocument),
    manualFace: text(reply.manualFace),
    data: null,
    source: "reconciliation",
    receivedAt: new Date(receivedAtMs).toISOString(),
  };
}

const text = (value: string | null | undefined): string | null =>
  value === undefined || value === null || value === "" ? null : value;
