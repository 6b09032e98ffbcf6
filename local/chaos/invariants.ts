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
  const zero = (name: string, value: number): Invariant => ({ name, value, ok: value === 0, rule: "= 0" });
  return [
    {
      name: "run finished (queue drained)",
      value: report.finished ? 1 : 0,
      ok: report.finished,
      rule: "= 1",
    },
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
    zero("webhook results lost outside an outage", f.webhooks.lostOutsideOutages),
    zero("duplicate verification.completed events", f.webhooks.duplicateCompletedEvents),
    {
      name: "resent webhooks answered 200 duplicate",
      value: f.webhooks.resendsAnsweredDuplicate,
      ok: f.webhooks.resendsAnsweredDuplicate === f.webhooks.resendsSent,
      rule: `= ${f.webhooks.resendsSent} (resent)`,
    },
    {
      name: "share of the token calls Mark ID received that failed",
      value: Math.round(f.markId.failedShare * 1000) / 1000,
      ok: f.markId.failedShare >= 0.3,
      rule: "≥ 0.30",
    },
  ];
}
