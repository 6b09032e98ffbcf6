import type { ChaosReport } from "./run";

/** A property every chaos run must have, with the figure it is judged on. */
export interface Invariant {
  readonly name: string;
  readonly value: number;
  readonly ok: boolean;
  readonly rule: string;
}

export function checkInvariants(report: ChaosReport): Invariant[] {
  const f = report.figures;
  const extraFirings = Object.values(f.alerts).reduce((sum, alert) => sum + alert.extraFirings, 0);
  const equals = (name: string, value: number, expected: number, note?: string): Invariant => ({
    name,
    value,
    ok: value === expected,
    rule: `= ${expected}${note === undefined ? "" : ` (${note})`}`,
  });
  const zero = (name: string, value: number): Invariant => equals(name, value, 0);
  return [
    equals("run finished (queue drained)", report.finished ? 1 : 0, 1),
    equals("reconciliation finished (nothing due)", report.reconciliation.finished ? 1 : 0, 1),
    zero("lost requests", f.outcomes.lost),
    zero("unfinished requests", f.outcomes.unfinished),
    zero("duplicate tokens per requestId not explained by an unknown outcome", f.duplicates.unexplained),
    // With "fail" an unknown outcome ends the request (verification.failed), so nothing explains
    // a second token at all (README "Unknown outcomes").
    ...(report.options.unknownOutcome === "fail"
      ? [
          zero(
            'requestIds with more than one token (any cause; unknown outcome "fail")',
            f.duplicates.requestIdsWithExtraTokens,
          ),
        ]
      : []),
    zero("requestIds published with two different sessions", f.duplicates.conflictingSessions),
    zero("uncaught exceptions", report.processErrors.uncaughtExceptions),
    zero("unhandled rejections", report.processErrors.unhandledRejections),
    zero("failed invocations (threw, timed out, invalid reply)", f.failedInvocations),
    zero("leaks (secrets, authTokens, personal data)", report.leaks.total),
    zero("alerts fired twice in one window", extraFirings),
    // Results (design.md §4.4): every session ends in exactly one final event once the
    // reconciler has run, however its webhook fared.
    zero("results never delivered (sessions with no final event)", f.results.neverDelivered),
    zero("duplicate events per (scanRef, final, overall)", f.webhooks.duplicateCompletedEvents),
    zero("sessions ended with two different final statuses", f.results.severalFinalStatuses),
    zero("crossed sessions (an event with another session's requestId or clientId)", f.results.crossed),
    zero("events out of sequence order per scanRef", f.results.sequenceOutOfOrder),
    zero("status calls about a session whose final event was out", f.results.askedAfterFinal),
    // Erasure (design.md §4.6): every request finished, and nothing of the person comes back.
    zero("erasure requests without a complete verification.erased", f.erasures.notCompleted),
    zero("erasure requests whose session was not erased", f.erasures.sessionsNotErased),
    equals(
      "erased people's requests sent again and refused (verification.failed erased)",
      f.erasures.requestsRefused,
      f.erasures.requestsResent,
      "sent again",
    ),
    // A result numbered before the erasure may be published just after it (its lastSequence says
    // so); anything else about the person after it may not.
    zero(
      "events about an erased session or person after its erasure (other than results in flight)",
      f.erasures.eventsAfterErasure,
    ),
    zero("status calls about an erased session after its erasure", f.erasures.statusCallsAfterErasure),
    zero("state-table items still holding an erased person", f.erasures.leftInTable),
    zero("erased verifications still held at Mark ID", f.erasures.stillAtMarkId),
    equals("resent webhooks answered 200", f.webhooks.resendsAccepted, f.webhooks.resendsSent, "resent"),
    {
      name: "share of the token calls Mark ID received that failed",
      value: Math.round(f.markId.failedShare * 1000) / 1000,
      ok: f.markId.failedShare >= 0.3,
      rule: "≥ 0.30",
    },
  ];
}
