import { checkInvariants } from "./invariants";
import type { ChaosReport } from "./run";

/*
 * The chaos run's figures as text: one table of rows (figure, value) that the CLI prints and
 * docs/reliability.md carries between its chaos markers.
 */

type Row = readonly [string, string];

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
const list = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([key, n]) => `${key} ${n}`)
    .join(", ") || "none";

export function figureRows(report: ChaosReport): Row[] {
  const f = report.figures;
  const o = report.options;
  const seconds = report.trafficMs / 1000;
  return [
    ["requests (distinct requestIds)", String(f.requests)],
    ["messages sent (duplicates among them)", `${f.messagesSent} (${f.duplicatesSent})`],
    [
      "wall time: whole run / traffic until the queue drained",
      `${(report.wallMs / 1000).toFixed(1)} s / ${seconds.toFixed(1)} s`,
    ],
    [
      "throughput (requests settled per second of traffic)",
      (f.requests / Math.max(seconds, 0.001)).toFixed(1),
    ],
    ["invocations of start-verification", String(f.invocations)],
    ["records processed (redeliveries included)", String(f.recordsProcessed)],
    ["records acknowledged / given back", `${f.recordsAcknowledged} / ${f.recordsGivenBack}`],
    ["per-record outcomes (handler log)", list(f.recordOutcomes)],
    ["requests ended with a session (verification.session-created)", String(f.outcomes.sessionCreated)],
    [
      "requests acknowledged with a failure event (verification.failed)",
      `${f.outcomes.failureEvent} (${list(f.failureReasons)})`,
    ],
    ["requests in the DLQ", String(f.outcomes.deadLettered)],
    ["DLQ messages by their last outcome", list(f.deadLetterCauses)],
    ["…in the DLQ although their session was published", String(f.outcomes.deadLetteredWithSession)],
    ["lost requests", String(f.outcomes.lost)],
    ["unfinished requests (run stopped on its time limit)", String(f.outcomes.unfinished)],
    ["Mark ID token calls / tokens made", `${f.markId.tokenCalls} / ${f.markId.tokensMade}`],
    [
      "injected fault share (configured) / token calls Mark ID received that failed",
      `${pct(report.injectedFaultShare)} / ${pct(f.markId.failedShare)} (${f.markId.failedSent} of ${f.markId.tokenCalls})`,
    ],
    ["failed token calls by class (credentials-unavailable: never sent)", list(f.markId.failedCalls)],
    [
      "requestIds with more than one token, any cause (extra tokens)",
      `${f.duplicates.requestIdsWithExtraTokens} (${f.duplicates.extraTokens})`,
    ],
    [
      "…each extra token after an unknown outcome of its requestId (timeout, reset, unreadable reply)",
      String(f.duplicates.explainedByUnknownOutcome),
    ],
    [
      "duplicate tokens per requestId not explained by an unknown outcome (requestIds / tokens)",
      `${f.duplicates.unexplained} / ${f.duplicates.unexplainedTokens}`,
    ],
    ["requestIds published with two different sessions", String(f.duplicates.conflictingSessions)],
    ["session-created events re-published (same session)", String(f.duplicates.sessionEventsRepublished)],
    [
      "alerts per type: firing / resolved / extra firings in a window",
      Object.entries(f.alerts)
        .map(([type, a]) => `${type} ${a.firing}/${a.resolved}/${a.extraFirings}`)
        .join(", ") || "none",
    ],
    ["result webhooks (attempts)", `${f.webhooks.results} (${f.webhooks.attempts})`],
    [
      "…accepted / never accepted / lost outside an outage / lost outright by Mark ID",
      `${f.webhooks.accepted} / ${f.webhooks.neverAccepted} / ${f.webhooks.lostOutsideOutages} / ${f.webhooks.dropped}`,
    ],
    ["…non-200 replies by status", list(f.webhooks.nonOkReplies)],
    [
      "verification.completed events (duplicates)",
      `${f.webhooks.completedEvents} (${f.webhooks.duplicateCompletedEvents})`,
    ],
    [
      "signed resends answered 200 (queued again, published no second time)",
      `${f.webhooks.resendsAccepted} of ${f.webhooks.resendsSent}`,
    ],
    [
      "sessions: published / with no final result / with two final statuses / crossed events",
      `${f.results.sessions} / ${f.results.neverDelivered} / ${f.results.severalFinalStatuses} / ${f.results.crossed}`,
    ],
    [
      "results recovered by reconciliation (lost webhooks), by status",
      `${f.results.recovered} (${list(f.results.recoveredByStatus)})`,
    ],
    [
      "status calls / sessions asked (per session) / asked after their final event",
      `${f.results.statusCalls} / ${f.results.sessionsAsked} (${f.results.statusCallsPerSessionAsked.toFixed(2)}) / ${f.results.askedAfterFinal}`,
    ],
    [
      "erasure requests: sent / complete / deliveries that came back pending / in the DLQ",
      `${f.erasures.requested} / ${f.erasures.completed} / ${f.erasures.pendingDeliveries} / ${f.erasures.deadLettered}`,
    ],
    [
      "erased sessions (before any final result) / requested but not erased",
      `${f.erasures.sessionsErased} (${f.erasures.erasedBeforeFinalEvent}) / ${f.erasures.sessionsNotErased}`,
    ],
    [
      "after erasure: requests sent again / refused / results not published / in flight / other events / status calls",
      `${f.erasures.requestsResent} / ${f.erasures.requestsRefused} / ${f.erasures.resultsNotPublished} / ` +
        `${f.erasures.resultsInFlightAtErasure} / ${f.erasures.eventsAfterErasure} / ${f.erasures.statusCallsAfterErasure}`,
    ],
    [
      "…other events after erasure, by kind",
      Object.keys(f.erasures.eventsAfterErasureByKind).length === 0
        ? "none"
        : list(f.erasures.eventsAfterErasureByKind),
    ],
    [
      "erased people left: table items / verifications at Mark ID",
      `${f.erasures.leftInTable} / ${f.erasures.stillAtMarkId}`,
    ],
    [
      "uncaught exceptions / unhandled rejections",
      `${report.processErrors.uncaughtExceptions} / ${report.processErrors.unhandledRejections}`,
    ],
    ["failed invocations (threw, timed out, invalid reply)", String(f.failedInvocations)],
    [
      "leak scan: log lines + published messages scanned",
      `${report.leaks.linesScanned} + ${report.leaks.messagesScanned} (values watched: ${list(report.leaks.valuesWatched)})`,
    ],
    [
      "leaks found",
      report.leaks.total === 0 ? "0" : `${report.leaks.total} (${list(report.leaks.findings)})`,
    ],
    ["disruptions", report.disruptions.map((d) => `${d.name} (${d.detail})`).join("; ") || "none"],
    [
      "settings",
      `${o.pollers} pollers × batch 10 × ${o.batchConcurrency} concurrent records, visibility ${o.visibilityTimeoutSeconds} s, ` +
        `maxReceiveCount ${o.maxReceiveCount}, Mark ID timeout ${o.markIdTimeoutMs} ms, unknown outcome "${o.unknownOutcome}", ` +
        `webhook resends every ${o.webhookRetryIntervalMs} ms, seed ${o.seed}`,
    ],
  ];
}

export function renderText(report: ChaosReport): string {
  const rows = figureRows(report);
  const width = Math.max(...rows.map(([name]) => name.length));
  const invariants = checkInvariants(report);
  return [
    `Chaos run ${report.startedAt}`,
    ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`),
    "",
    "Invariants",
    ...invariants.map((i) => `  ${i.ok ? "ok  " : "FAIL"}  ${i.name}: ${i.value} (${i.rule})`),
  ].join("\n");
}

/** The command that repeats the run (its size, seed and unknown-outcome setting). */
function commandOf(report: ChaosReport): string {
  const o = report.options;
  const outcome = o.unknownOutcome === "redeliver" ? "" : ` --unknown-outcome ${o.unknownOutcome}`;
  return `npm run chaos -- --requests ${o.requests} --seed ${o.seed}${outcome}`;
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

export function renderMarkdown(report: ChaosReport): string {
  const invariants = checkInvariants(report);
  return [
    `Run of ${report.startedAt} (\`${commandOf(report)}\`), ` +
      `${process.platform}/${process.arch}, Node ${process.version}.`,
    "",
    "| Figure | Value |",
    "|---|---|",
    ...figureRows(report).map(([name, value]) => `| ${cell(name)} | ${cell(value)} |`),
    "",
    "| Invariant | Value | Rule | |",
    "|---|---|---|---|",
    ...invariants.map(
      (i) => `| ${cell(i.name)} | ${i.value} | ${cell(i.rule)} | ${i.ok ? "ok" : "**FAIL**"} |`,
    ),
  ].join("\n");
}
