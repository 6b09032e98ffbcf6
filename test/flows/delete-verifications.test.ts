import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AwsError } from "../../lib/aws/aws-error";
import type { DueDeletion } from "../../lib/aws/due-deletions";
import {
  deleteDueVerifications,
  MAX_DELETE_ATTEMPTS,
  nextDueAtSeconds,
  type DeleteVerificationsDependencies,
  type DeletionReport,
} from "../../lib/flows/delete-verifications";
import { deletionObserver } from "../../lib/flows/delete-verifications/report";
import type { MarkIdError } from "../../lib/markid/errors";
import type { HttpRequest } from "../../lib/markid/transport";
import type { AlertType, VerificationDeletedEvent, VerificationEvent } from "../../lib/messages";
import { metrics } from "../../lib/observability/metrics";
import { createRetryBudget } from "../../lib/resilience/retry-budget";
import { useOutputCapture } from "../support/output-capture";

/* Retention at Mark ID: the reconciler's deletion phase over fakes (design.md §4.5). */

useOutputCapture();

const NOW = Date.parse("2030-03-01T12:00:00Z");
const NOW_SECONDS = NOW / 1000;
const HOUR_MS = 3_600_000;
const CONFIG = {
  MARKID_TIMEOUT_MS: 2_000,
  MARKID_RETENTION_SECONDS: 30 * 86_400,
  RECONCILE_MAX_PER_RUN: 100,
};

const queued = (n: number, extra: Partial<DueDeletion> = {}): DueDeletion => ({
  scanRef: `scan-${n}`,
  requestId: `req-${n}`,
  clientId: `client-${n}`,
  tokenExpiresAtMs: NOW - 40 * 24 * HOUR_MS,
  dueAtSeconds: NOW_SECONDS - 60 * (100 - n),
  attempts: 0,
  ...extra,
});

const notExpired: MarkIdError = {
  kind: "api",
  identifier: "PARTNER_ERROR",
  status: 400,
  message: "Token has not expired yet.",
};
const unavailable: MarkIdError = { kind: "http", status: 502, bodyExcerpt: "<html>bad gateway</html>" };
const badValue: MarkIdError = { kind: "api", identifier: "BAD_VALUE", status: 400, message: "scanRef" };
const snsDown: AwsError = {
  kind: "aws",
  service: "sns",
  operation: "Publish",
  code: "InternalError",
  retryable: true,
  message: "boom",
};

type Answer = "ok" | MarkIdError;

function fakes(options: {
  deletions: DueDeletion[];
  answers?: Record<string, Answer | Answer[]>;
  claim?: (deletion: DueDeletion) => boolean;
  publish?: (event: VerificationEvent) => ResultAsync<void, AwsError>;
  config?: Partial<typeof CONFIG>;
  slot?: boolean;
}) {
  const calls: { path: string; scanRef: string }[] = [];
  const claims: { scanRef: string; nextDueAtSeconds: number }[] = [];
  const closed: { scanRef: string; deletedAt: string }[] = [];
  const recorded: string[] = [];
  const givenUp: string[] = [];
  const published: VerificationDeletedEvent[] = [];
  const alerts: AlertType[] = [];
  const slots: number[] = [];
  const perScanRef = new Map<string, number>();
  let dueReads = 0;

  const deps: DeleteVerificationsDependencies = {
    config: { ...CONFIG, ...options.config },
    markIdTransport: {
      send: (request: HttpRequest) => {
        const scanRef = (JSON.parse(request.body ?? "{}") as { scanRef: string }).scanRef;
        calls.push({ path: request.path, scanRef });
        const index = perScanRef.get(scanRef) ?? 0;
        perScanRef.set(scanRef, index + 1);
        const configured = options.answers?.[scanRef] ?? "ok";
        const answer = Array.isArray(configured)
          ? configured[Math.min(index, configured.length - 1)]!
          : configured;
        return answer === "ok"
          ? okAsync({ status: 200, headers: new Headers(), body: new Uint8Array() })
          : errAsync(answer);
      },
    },
    dueDeletions: {
      due: (_now, limit) => {
        dueReads += 1;
        return okAsync(options.deletions.slice(0, limit));
      },
      claim: (deletion, next) => {
        claims.push({ scanRef: deletion.scanRef, nextDueAtSeconds: next });
        return okAsync(options.claim?.(deletion) ?? true);
      },
      recordDeleted: (scanRef) => {
        recorded.push(scanRef);
        return okAsync(undefined);
      },
      close: (scanRef, deletedAt) => {
        closed.push({ scanRef, deletedAt });
        return okAsync(undefined);
      },
      giveUp: (scanRef) => {
        givenUp.push(scanRef);
        return okAsync(undefined);
      },
    },
    notifier: {
      publishEvent: (event) =>
        (options.publish?.(event) ?? okAsync(undefined)).map(() => {
          published.push(event as VerificationDeletedEvent);
        }),
    },
    alerter: {
      raise: (type) => {
        alerts.push(type);
        return okAsync({ sent: true });
      },
    },
    retry: { maxAttempts: 3, baseDelayMs: 1, rateLimitedBaseDelayMs: 1, maxDelayMs: 2 },
    budget: createRetryBudget({ capacity: 20 }),
    limiter: {
      acquire: () => Promise.resolve(options.slot ?? true),
      acquireWithin: (maxWaitMs) => {
        slots.push(maxWaitMs);
        return Promise.resolve(options.slot ?? true);
      },
    },
    refreshCredentials: () => okAsync({ changed: false }),
    now: () => NOW,
  };
  const reports: DeletionReport[] = [];
  const run = () =>
    deleteDueVerifications(deps, {
      remainingTimeMs: () => 60_000,
      sleep: () => Promise.resolve(),
      observer: { onDeletion: (report) => reports.push(report) },
    });
  return {
    run,
    calls,
    claims,
    closed,
    recorded,
    givenUp,
    published,
    alerts,
    slots,
    reports,
    dueReads: () => dueReads,
  };
}

describe("a due deletion", () => {
  it("is deleted at Mark ID, published as verification.deleted and closed", async () => {
    const f = fakes({ deletions: [queued(1), queued(2, { requestId: "", clientId: "" })] });
    const summary = await f.run();

    expect(f.calls).toEqual([
      { path: "/api/v2/delete", scanRef: "scan-1" },
      { path: "/api/v2/delete", scanRef: "scan-2" },
    ]);
    const deletedAt = new Date(NOW).toISOString();
    expect(f.published).toEqual([
      {
        type: "verification.deleted",
        scanRef: "scan-1",
        requestId: "req-1",
        clientId: "client-1",
        deletedAt,
      },
      // A session made elsewhere: no requestId or clientId, rather than empty ones.
      { type: "verification.deleted", scanRef: "scan-2", deletedAt },
    ]);
    expect(f.closed).toEqual([
      { scanRef: "scan-1", deletedAt },
      { scanRef: "scan-2", deletedAt },
    ]);
    expect(summary).toEqual({ due: 2, deleted: 2, notYet: 0, skipped: 0, failed: 0, gaveUp: 0 });
    expect(f.reports.map((r) => r.outcome)).toEqual(["deleted", "deleted"]);
  });

  it("is claimed before the call (an hour on), and not called when another run took it", async () => {
    const f = fakes({ deletions: [queued(1), queued(2)], claim: (d) => d.scanRef !== "scan-1" });
    const summary = await f.run();
    expect(f.claims).toEqual([
      { scanRef: "scan-1", nextDueAtSeconds: NOW_SECONDS + 3600 },
      { scanRef: "scan-2", nextDueAtSeconds: NOW_SECONDS + 3600 },
    ]);
    expect(f.calls.map((c) => c.scanRef)).toEqual(["scan-2"]);
    expect(summary).toMatchObject({ skipped: 1, deleted: 1 });
  });
});

describe("Mark ID: the token has not expired yet", () => {
  it("publishes nothing, leaves it queued for after the token's expiry, and goes on with the next", async () => {
    const expiresAtMs = NOW + 5 * 24 * HOUR_MS;
    const f = fakes({
      deletions: [queued(1, { tokenExpiresAtMs: expiresAtMs }), queued(2)],
      answers: { "scan-1": notExpired },
    });
    const summary = await f.run();

    // PARTNER_ERROR is not retried: one call.
    expect(f.calls.map((c) => c.scanRef)).toEqual(["scan-1", "scan-2"]);
    expect(f.claims[0]).toEqual({ scanRef: "scan-1", nextDueAtSeconds: expiresAtMs / 1000 + 900 });
    expect(f.published.map((e) => e.scanRef)).toEqual(["scan-2"]);
    expect(f.closed.map((c) => c.scanRef)).toEqual(["scan-2"]);
    expect(f.alerts).toEqual([]);
    expect(summary).toEqual({ due: 2, deleted: 1, notYet: 1, skipped: 0, failed: 0, gaveUp: 0 });
    expect(f.reports[0]).toMatchObject({ scanRef: "scan-1", outcome: "not-yet", attempts: 1 });
  });

  it("with no known expiry (a session made elsewhere), is tried again after a backoff that doubles to a day", () => {
    const unknown = queued(1, { tokenExpiresAtMs: 0 });
    expect(nextDueAtSeconds(unknown, NOW)).toBe(NOW_SECONDS + 3600);
    expect(nextDueAtSeconds({ ...unknown, attempts: 3 }, NOW)).toBe(NOW_SECONDS + 8 * 3600);
    expect(nextDueAtSeconds({ ...unknown, attempts: 10 }, NOW)).toBe(NOW_SECONDS + 86_400);
  });
});

describe("Mark ID failing the delete", () => {
  it("unavailable past the policy's retries: nothing published or closed, the run stops (no alert: the credential check raises that one)", async () => {
    const f = fakes({ deletions: [queued(1), queued(2)], answers: { "scan-1": unavailable } });
    const summary = await f.run();

    expect(f.calls.map((c) => c.scanRef)).toEqual(["scan-1", "scan-1", "scan-1"]);
    expect(f.published).toEqual([]);
    expect(f.closed).toEqual([]);
    expect(f.alerts).toEqual([]);
    expect(summary).toMatchObject({ due: 2, failed: 1, deleted: 0, stoppedEarly: "unavailable" });
    // It stays queued at the time its claim set: an hour on.
    expect(f.claims).toEqual([{ scanRef: "scan-1", nextDueAtSeconds: NOW_SECONDS + 3600 }]);
  });

  it("recovering within the retries: deleted", async () => {
    const f = fakes({ deletions: [queued(1)], answers: { "scan-1": [unavailable, "ok"] } });
    expect(await f.run()).toMatchObject({ deleted: 1 });
    expect(f.calls).toHaveLength(2);
  });

  it("refusing this scanRef alone (BAD_VALUE): failed, tried again later, the run goes on", async () => {
    const f = fakes({ deletions: [queued(1), queued(2)], answers: { "scan-1": badValue } });
    const summary = await f.run();
    expect(summary).toMatchObject({ failed: 1, deleted: 1 });
    expect(summary.stoppedEarly).toBeUndefined();
    expect(f.reports[0]?.outcome).toBe("failed");
    expect(f.reports[0]?.reason).toContain("BAD_VALUE");
    expect(f.alerts).toEqual([]);
  });

  it("gives a deletion up after MAX_DELETE_ATTEMPTS, without calling Mark ID", async () => {
    const f = fakes({ deletions: [queued(1, { attempts: MAX_DELETE_ATTEMPTS })] });
    const summary = await f.run();
    expect(f.calls).toEqual([]);
    expect(f.givenUp).toEqual(["scan-1"]);
    expect(summary).toMatchObject({ gaveUp: 1 });
  });
});

describe("the key pair refused", () => {
  it("stops the run with the policy's alert", async () => {
    const unauthorized: MarkIdError = { kind: "api", identifier: "UNAUTHORIZED", status: 401, message: "m" };
    const f = fakes({ deletions: [queued(1), queued(2)], answers: { "scan-1": unauthorized } });
    const summary = await f.run();
    expect(summary).toMatchObject({ stoppedEarly: "credentials-invalid", failed: 1 });
    expect(summary.alert).toEqual({ type: "markid.credentials-invalid", sent: true });
    expect(f.calls.map((c) => c.scanRef)).toEqual(["scan-1"]);
  });
});

describe("the event", () => {
  it("not published: the deletion is recorded, and the next attempt publishes without calling Mark ID", async () => {
    const first = fakes({ deletions: [queued(1)], publish: () => errAsync(snsDown) });
    expect(await first.run()).toMatchObject({ failed: 1, deleted: 0 });
    expect(first.recorded).toEqual(["scan-1"]);
    expect(first.closed).toEqual([]);

    const deletedAt = "2030-03-01T11:00:00.000Z";
    const second = fakes({ deletions: [queued(1, { deletedAt, attempts: 1 })] });
    expect(await second.run()).toMatchObject({ deleted: 1 });
    expect(second.calls).toEqual([]);
    expect(second.claims).toHaveLength(1);
    expect(second.published).toEqual([expect.objectContaining({ scanRef: "scan-1", deletedAt })]);
    expect(second.closed).toEqual([{ scanRef: "scan-1", deletedAt }]);
  });
});

describe("the rate limit and the switch", () => {
  it("takes a rate-limiter slot before each claim; none before the deadline stops the run, nothing claimed", async () => {
    const granted = fakes({ deletions: [queued(1), queued(2)] });
    await granted.run();
    expect(granted.slots).toHaveLength(2);

    const f = fakes({ deletions: [queued(1), queued(2)], slot: false });
    const summary = await f.run();
    expect(summary).toMatchObject({ due: 2, deleted: 0, failed: 0, stoppedEarly: "deadline" });
    expect(f.claims).toEqual([]);
    expect(f.calls).toEqual([]);
  });

  it("off (MARKID_RETENTION_SECONDS 0): does not even read the queue", async () => {
    const f = fakes({ deletions: [queued(1)], config: { MARKID_RETENTION_SECONDS: 0 } });
    expect(await f.run()).toEqual({ due: 0, deleted: 0, notYet: 0, skipped: 0, failed: 0, gaveUp: 0 });
    expect(f.dueReads()).toBe(0);
    expect(f.calls).toEqual([]);
  });

  it("reads at most RECONCILE_MAX_PER_RUN deletions", async () => {
    const f = fakes({ deletions: [queued(1), queued(2), queued(3)], config: { RECONCILE_MAX_PER_RUN: 2 } });
    expect(await f.run()).toMatchObject({ due: 2, deleted: 2 });
  });
});

describe("metrics", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    metrics.clearMetrics();
  });

  it("counts VerificationDeleted per deletion, VerificationDeletesGivenUp per one given up, MarkIdCall per call", () => {
    const added = vi.spyOn(metrics, "addMetric");
    const observer = deletionObserver();
    observer.onAttempt?.({ outcome: "success", attempt: 1, durationMs: 5 });
    observer.onDeletion?.({ scanRef: "scan-1", requestId: "req-1", outcome: "deleted", attempts: 1 });
    observer.onDeletion?.({ scanRef: "scan-2", requestId: "req-2", outcome: "gave-up", attempts: 0 });
    observer.onDeletion?.({ scanRef: "scan-3", requestId: "req-3", outcome: "not-yet", attempts: 1 });
    const names = added.mock.calls.map(([name, unit, value]) => [name, unit, value]);
    expect(names).toEqual([
      ["MarkIdCall", MetricUnit.Count, 1],
      ["VerificationDeleted", MetricUnit.Count, 1],
      ["VerificationDeletesGivenUp", MetricUnit.Count, 1],
    ]);
  });
});
