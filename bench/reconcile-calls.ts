import type { FigureResult } from "./report";
import { runChaosProcess } from "./support/stack-process";

/**
 * POST /api/v2/status calls per session the reconciler asked about, on the chaos mix: a short chaos
 * run (local/chaos/run.ts, as test/reliability/chaos.test.ts runs it, in a process of its own) —
 * injected Mark ID faults, outages of the results queue, Secrets Manager, SNS and DynamoDB past
 * Mark ID's resends, lost webhooks, short tokens so abandoned sessions end within the run — then
 * the reconciler until nothing is due. The run's own figure: status calls at the simulator about
 * this run's sessions ÷ the distinct sessions asked about. Goal: ≤ 1.5 — a session is asked about
 * about once, not polled (markid-api.md §1: routine status polling can get an account restricted).
 *
 * A miss as well when a session never got its final event (the reconciler's purpose) or when no
 * session was asked about (then the ratio says nothing).
 */

const GOAL = 1.5;
const OPTIONS = {
  requests: 200,
  outageMs: 3_000,
  droppedWebhooks: 5,
  tokenExpirySeconds: 10,
  maxWallMs: 150_000,
} as const;

export async function run(): Promise<FigureResult[]> {
  const outcome = await runChaosProcess(OPTIONS);
  const r = outcome.results;
  const perSession = r.statusCallsPerSessionAsked;
  return [
    {
      figure: "status calls per reconciled session, chaos mix",
      measured: perSession.toFixed(2),
      goal: `≤ ${GOAL.toFixed(1)}`,
      verdict: perSession <= GOAL && r.sessionsAsked > 0 && r.neverDelivered === 0 ? "pass" : "miss",
      detail:
        `chaos run of ${OPTIONS.requests} requests (outages ${OPTIONS.outageMs / 1000} s, ` +
        `${OPTIONS.droppedWebhooks} webhooks lost, tokens of ${OPTIONS.tokenExpirySeconds} s) in ` +
        `${(outcome.wallMs / 1000).toFixed(0)} s: ${r.statusCalls} status calls about ${r.sessionsAsked} ` +
        `sessions asked of ${r.sessions}; ${r.recovered} results recovered by reconciliation, ` +
        `${r.askedAfterFinal} calls after the final event, ${r.neverDelivered} sessions never delivered; ` +
        `${outcome.reconciliation.runs} reconciler runs at the end` +
        (outcome.finished && outcome.reconciliation.finished ? "" : " (the run did not finish)"),
    },
  ];
}
