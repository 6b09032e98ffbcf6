import { describe, expect, it } from "vitest";
import { checkInvariants } from "../../local/chaos/invariants";
import { figureRows } from "../../local/chaos/report";
import { runChaos, type ChaosReport } from "../../local/chaos/run";

/*
 * The short chaos run for CI: the same run as `npm run chaos` (local/chaos), with fewer requests,
 * so every disruption (token exhaustion and top-up, Secrets Manager and SNS outages, a key
 * rotation, duplicate deliveries, injected Mark ID faults) happens once. Its invariants must all
 * hold; the full 10,000-request run's figures are in docs/reliability.md.
 */

const REQUESTS = 300;
// Outages past Mark ID's resend window (3 resends 0.5 s apart) but short enough for CI; the full
// run's are 30 s (docs/reliability.md).
const OUTAGE_MS = 4000;

function failing(report: ChaosReport): string[] {
  return checkInvariants(report)
    .filter((invariant) => !invariant.ok)
    .map((invariant) => `${invariant.name}: ${invariant.value} (${invariant.rule})`);
}

describe("a short chaos run", () => {
  it(`${REQUESTS} requests with faults, outages, a rotation, an exhaustion, duplicates and erasures: every invariant holds`, async () => {
    const report = await runChaos({
      requests: REQUESTS,
      maxWallMs: 150_000,
      outageMs: OUTAGE_MS,
      droppedWebhooks: 5,
      tokenExpirySeconds: 10,
      // About fifteen people erased while the run goes on (the full run: 2 %).
      erasureShare: 0.05,
    });
    const f = report.figures;
    console.log(
      figureRows(report)
        .map(([name, value]) => `  ${name}: ${value}`)
        .join("\n"),
    );

    expect(failing(report)).toEqual([]);
    // What the invariants are judged on really happened.
    expect(report.disruptions.map((d) => d.name)).toEqual([
      "token exhaustion",
      "lost webhooks",
      "results queue outage",
      "Secrets Manager outage",
      "credential rotation",
      "SNS outage",
      "DynamoDB outage",
    ]);
    // Webhooks were lost outright (and others during the outages), yet every session ended (an
    // invariant): a lost automatic result by the review's webhook, a lost final one by reconciliation.
    expect(f.webhooks.dropped).toBe(5);
    expect(f.results.recovered).toBeGreaterThan(0);
    expect(f.results.sessions).toBeGreaterThan(0);
    expect(f.duplicatesSent).toBeGreaterThan(0);
    expect(f.markId.failedShare).toBeGreaterThanOrEqual(0.3);
    // Raised and resolved; a reply from before the top-up that lands after the first new token can
    // open a second episode (and resolve it), never a second firing within one open episode.
    const tokenLimit = f.alerts["markid.token-limit-reached"];
    expect(tokenLimit?.firing).toBeGreaterThanOrEqual(1);
    expect(tokenLimit).toMatchObject({ resolved: tokenLimit?.firing, extraFirings: 0 });
    expect(f.outcomes.sessionCreated + f.outcomes.failureEvent + f.outcomes.deadLettered).toBe(REQUESTS);
    expect(f.webhooks.completedEvents).toBeGreaterThan(0);
    // Erasures happened mid-flight: some came back pending (a token not yet expired), each erased
    // person's request was sent again and refused (invariants), and the leak scan watched clientIds.
    expect(f.erasures.requested).toBeGreaterThan(5);
    expect(f.erasures.pendingDeliveries).toBeGreaterThan(0);
    expect(f.erasures.requestsResent).toBe(f.erasures.requested);
    expect(report.leaks.linesScanned).toBeGreaterThan(REQUESTS);
    expect(report.leaks.valuesWatched.secret).toBeGreaterThanOrEqual(5);
    expect(report.leaks.valuesWatched["auth-token"]).toBeGreaterThan(0);
  }, 200_000);
});
