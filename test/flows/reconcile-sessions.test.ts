import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { errAsync, okAsync, ResultAsync } from "neverthrow";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AwsError } from "../../lib/aws/aws-error";
import type { OpenSession } from "../../lib/aws/open-sessions";
import {
  reconcileSessions,
  type ReconcileSessionsDependencies,
  type ReconcileSessionsOptions,
  type SessionReport,
} from "../../lib/flows/reconcile-sessions";
import { reconcileObserver } from "../../lib/flows/reconcile-sessions/report";
import { nextIntervalSeconds } from "../../lib/flows/reconcile-sessions/schedule";
import { TOKEN_LIMIT_MESSAGE, type MarkIdError } from "../../lib/markid/errors";
import type { HttpReply, HttpRequest } from "../../lib/markid/transport";
import type { AlertType } from "../../lib/messages";
import { metrics } from "../../lib/observability/metrics";
import type { AttemptInfo } from "../../lib/resilience/execute";
import { createRetryBudget } from "../../lib/resilience/retry-budget";
import type { QueuedDelivery } from "../../lib/result-delivery";
import { useOutputCapture } from "../support/output-capture";

/* The reconciliation run's decisions, over fakes: one test per branch of design.md §4.4. */

useOutputCapture();

const NOW = Date.parse("2030-03-01T12:00:00Z");
const NOW_SECONDS = NOW / 1000;
const HOUR_MS = 3_600_000;
const CONFIG = {
  MARKID_TIMEOUT_MS: 2_000,
  RECONCILE_AFTER_SECONDS: 900,
  RECONCILE_MAX_PER_RUN: 100,
  RECONCILE_GIVE_UP_SECONDS: 604_800,
};

const open = (n: number, extra: Partial<OpenSession> = {}): OpenSession => ({
  scanRef: `scan-${n}`,
  requestId: `req-${n}`,
  clientId: `client-${n}`,
  tokenExpiresAtMs: NOW - HOUR_MS,
  dueAtSeconds: NOW_SECONDS - 60 * (100 - n),
  asks: 0,
  intervalSeconds: 0,
  reviewPending: false,
  ...extra,
});

type StatusAnswer = Record<string, unknown> | MarkIdError | "hang";

const isMarkIdError = (answer: Record<string, unknown> | MarkIdError): answer is MarkIdError =>
  typeof answer.kind === "string";

const apiError = (
  identifier: "BAD_VALUE" | "UNAUTHORIZED" | "PERMISSIONS_ERROR",
  message = "m",
): MarkIdError => ({
  kind: "api",
  identifier,
  status: identifier === "UNAUTHORIZED" ? 401 : 400,
  message,
});
const unavailable: MarkIdError = { kind: "http", status: 502, bodyExcerpt: "<html>bad gateway</html>" };
const awsFailure = (service: AwsError["service"], operation: string): AwsError => ({
  kind: "aws",
  service,
  operation,
  code: "InternalServerError",
  retryable: true,
  message: "boom",
});

/** Fakes for every dependency; `answers` says what Mark ID answers per scanRef (a list: one per call). */
function fakes(options: {
  sessions: OpenSession[];
  answers?: Record<string, StatusAnswer | StatusAnswer[]>;
  claim?: (session: OpenSession) => ResultAsync<boolean, AwsError>;
  send?: (delivery: QueuedDelivery) => ResultAsync<void, AwsError>;
  refreshed?: boolean;
  config?: Partial<typeof CONFIG>;
  slot?: boolean;
}) {
  const calls: { path: string; scanRef: string }[] = [];
  const claims: { scanRef: string; nextDueAtSeconds: number; intervalSeconds: number }[] = [];
  const givenUp: string[] = [];
  const sent: QueuedDelivery[] = [];
  const alerts: AlertType[] = [];
  const dueLimits: number[] = [];
  let refreshes = 0;
  const perScanRef = new Map<string, number>();

  const reply = (json: Record<string, unknown>): HttpReply => ({
    status: 200,
    headers: new Headers({ "content-type": "application/json" }),
    body: new TextEncoder().encode(JSON.stringify(json)),
  });

  const deps: ReconcileSessionsDependencies = {
    config: { ...CONFIG, ...options.config },
    markIdTransport: {
      send: (request: HttpRequest) => {
        const scanRef = (JSON.parse(request.body ?? "{}") as { scanRef: string }).scanRef;
        calls.push({ path: request.path, scanRef });
        const index = perScanRef.get(scanRef) ?? 0;
        perScanRef.set(scanRef, index + 1);
        const configured = options.answers?.[scanRef] ?? { status: "ACTIVE", scanRef };
        const answer = Array.isArray(configured)
          ? configured[Math.min(index, configured.length - 1)]!
          : configured;
        if (answer === "hang") return new ResultAsync(new Promise(() => undefined));
        return isMarkIdError(answer) ? errAsync(answer) : okAsync(reply(answer));
      },
    },
    openSessions: {
      due: (_now, limit) => {
        dueLimits.push(limit);
        return okAsync(options.sessions.slice(0, limit));
      },
      claimAsk: (session, nextDueAtSeconds, intervalSeconds) => {
        claims.push({ scanRef: session.scanRef, nextDueAtSeconds, intervalSeconds });
        return options.claim?.(session) ?? okAsync(true);
      },
      giveUp: (scanRef) => {
        givenUp.push(scanRef);
        return okAsync(undefined);
      },
    },
    resultsQueue: {
      send: (delivery) => {
        const result = options.send?.(delivery) ?? okAsync(undefined);
        return result.map(() => {
          sent.push(delivery);
        });
      },
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
      acquireWithin: () => Promise.resolve(options.slot ?? true),
    },
    refreshCredentials: () => {
      refreshes += 1;
      return okAsync({ changed: options.refreshed ?? false });
    },
    now: () => NOW,
  };
  const sessionsSeen: SessionReport[] = [];
  const attempts: AttemptInfo[] = [];
  const run = (extra: Partial<ReconcileSessionsOptions> = {}) =>
    reconcileSessions(deps, {
      remainingTimeMs: () => 60_000,
      sleep: () => Promise.resolve(),
      observer: {
        onSession: (report) => sessionsSeen.push(report),
        onAttempt: (info) => attempts.push(info),
      },
      ...extra,
    });
  return {
    deps,
    run,
    calls,
    claims,
    givenUp,
    sent,
    alerts,
    dueLimits,
    sessionsSeen,
    attempts,
    refreshes: () => refreshes,
  };
}

describe("a final status", () => {
  it("is sent to the results queue as a reconciled delivery, with the reply's fields", async () => {
    const f = fakes({
      sessions: [open(1)],
      answers: {
        "scan-1": {
          status: "SUSPECTED",
          autoDocument: "DOC_VALIDATED",
          autoFace: "FACE_MATCH",
          manualDocument: null,
          manualFace: "",
          fraudTags: ["DUPLICATE_FACE"],
          mismatchTags: ["NAME"],
          scanRef: "scan-1",
          clientId: "client-from-reply",
        },
      },
    });
    const summary = await f.run();

    expect(summary).toEqual({ due: 1, asked: 1, final: 1, inProgress: 0, gaveUp: 0, skipped: 0, failed: 0 });
    expect(f.calls).toEqual([{ path: "/api/v2/status", scanRef: "scan-1" }]);
    expect(f.sent).toEqual([
      {
        kind: "verification-result",
        event: {
          type: "verification.completed",
          scanRef: "scan-1",
          requestId: "req-1",
          clientId: "client-from-reply",
          externalRef: null,
          final: true,
          overall: "SUSPECTED",
          fraudTags: ["DUPLICATE_FACE"],
          mismatchTags: ["NAME"],
          autoDocument: "DOC_VALIDATED",
          autoFace: "FACE_MATCH",
          manualDocument: null,
          manualFace: null,
          data: null,
          source: "reconciliation",
          receivedAt: new Date(NOW).toISOString(),
        },
      },
    ]);
    expect(f.sessionsSeen).toEqual([
      { scanRef: "scan-1", requestId: "req-1", outcome: "final", overall: "SUSPECTED", attempts: 1 },
    ]);
  });

  it.each(["APPROVED", "DENIED", "EXPIRED", "EXPIRED-DELETED", "DELETED", "ARCHIVED", "SOMETHING_NEW"])(
    "%s is final; absent fields become null or [] and the tracked clientId stands in",
    async (status) => {
      const f = fakes({ sessions: [open(1)], answers: { "scan-1": { status } } });
      const summary = await f.run();
      expect(summary.final).toBe(1);
      expect(f.sent[0]?.event).toMatchObject({
        overall: status,
        clientId: "client-1",
        fraudTags: [],
        mismatchTags: [],
        autoDocument: null,
        autoFace: null,
        manualDocument: null,
        manualFace: null,
      });
    },
  );

  it("is not sent when the reply names another scanRef (nothing crossed)", async () => {
    const f = fakes({
      sessions: [open(1)],
      answers: { "scan-1": { status: "APPROVED", scanRef: "scan-9" } },
    });
    const summary = await f.run();
    expect(summary).toMatchObject({ asked: 1, final: 0, failed: 1 });
    expect(f.sent).toEqual([]);
  });

  it("a send the queue refuses counts as failed, and the run goes on (the session is asked again when next due)", async () => {
    const f = fakes({
      sessions: [open(1), open(2)],
      answers: { "scan-1": { status: "APPROVED" }, "scan-2": { status: "DENIED" } },
      send: (delivery) =>
        delivery.kind === "verification-result" && delivery.event.scanRef === "scan-1"
          ? errAsync(awsFailure("sqs", "SendMessage"))
          : okAsync(undefined),
    });
    const summary = await f.run();
    expect(summary).toEqual({ due: 2, asked: 2, final: 1, inProgress: 0, gaveUp: 0, skipped: 0, failed: 1 });
    expect(f.sessionsSeen[0]).toMatchObject({ scanRef: "scan-1", outcome: "failed" });
    expect(f.sessionsSeen[0]?.reason).toContain("SendMessage");
    expect(f.claims.map((c) => c.scanRef)).toEqual(["scan-1", "scan-2"]);
  });
});

describe("a session in progress", () => {
  it.each(["ACTIVE", "REVIEWING"])("%s: rescheduled by its claim, not queued", async (status) => {
    const f = fakes({ sessions: [open(1)], answers: { "scan-1": { status } } });
    const summary = await f.run();
    expect(summary).toEqual({ due: 1, asked: 1, final: 0, inProgress: 1, gaveUp: 0, skipped: 0, failed: 0 });
    expect(f.sent).toEqual([]);
    expect(f.givenUp).toEqual([]);
    expect(f.claims).toEqual([
      { scanRef: "scan-1", nextDueAtSeconds: NOW_SECONDS + 900, intervalSeconds: 900 },
    ]);
  });

  it("after an automatic result (final: false), an automatic status without a manual decision is still in review", async () => {
    // Without Mark ID's REVIEWING switch, the status endpoint shows the automatic result during the review.
    const f = fakes({
      sessions: [
        open(1, { reviewPending: true }),
        open(2, { reviewPending: true }),
        open(3),
        open(4, { reviewPending: true }),
      ],
      answers: {
        "scan-1": { status: "DENIED", autoFace: "FACE_MISMATCH", manualFace: "", manualDocument: null },
        "scan-2": { status: "APPROVED", manualFace: "FACE_MATCH", manualDocument: "DOC_VALIDATED" },
        "scan-3": { status: "DENIED", autoFace: "FACE_MISMATCH" },
        "scan-4": { status: "EXPIRED" },
      },
    });
    const summary = await f.run();
    expect(summary).toMatchObject({ asked: 4, final: 3, inProgress: 1 });
    // The review's decision, a session never reviewed and an expiry (nothing to review) are final;
    // the pending review is not.
    expect(f.sent.map(({ event }) => [event.scanRef, "overall" in event ? event.overall : "?"])).toEqual([
      ["scan-2", "APPROVED"],
      ["scan-3", "DENIED"],
      ["scan-4", "EXPIRED"],
    ]);
  });

  it("is asked again at doubling intervals from RECONCILE_AFTER_SECONDS, capped at 6 hours", async () => {
    const f = fakes({ sessions: [open(1, { intervalSeconds: 1800, asks: 2 })] });
    await f.run();
    expect(f.claims).toEqual([
      { scanRef: "scan-1", nextDueAtSeconds: NOW_SECONDS + 3600, intervalSeconds: 3600 },
    ]);

    const intervals = [0];
    for (let i = 0; i < 7; i += 1)
      intervals.push(nextIntervalSeconds({ intervalSeconds: intervals.at(-1)! }, CONFIG));
    expect(intervals.slice(1)).toEqual([900, 1800, 3600, 7200, 14_400, 21_600, 21_600]);
    // The first interval is at least a minute, and never past the cap.
    const immediate = { ...CONFIG, RECONCILE_AFTER_SECONDS: 0 };
    expect(nextIntervalSeconds({ intervalSeconds: 0 }, immediate)).toBe(60);
    expect(nextIntervalSeconds({ intervalSeconds: 0 }, { ...CONFIG, RECONCILE_AFTER_SECONDS: 86_400 })).toBe(
      21_600,
    );
  });

  it("is given up RECONCILE_GIVE_UP_SECONDS after its token expired, counted and reported", async () => {
    const expiredLongAgo = NOW - CONFIG.RECONCILE_GIVE_UP_SECONDS * 1000;
    const f = fakes({
      sessions: [
        open(1, { tokenExpiresAtMs: expiredLongAgo }),
        open(2, { tokenExpiresAtMs: expiredLongAgo + 1000 }),
      ],
      answers: { "scan-1": { status: "REVIEWING" }, "scan-2": { status: "ACTIVE" } },
    });
    const summary = await f.run();
    expect(summary).toEqual({ due: 2, asked: 2, final: 0, inProgress: 1, gaveUp: 1, skipped: 0, failed: 0 });
    expect(f.givenUp).toEqual(["scan-1"]);
    expect(f.sessionsSeen.map((s) => [s.scanRef, s.outcome])).toEqual([
      ["scan-1", "gave-up"],
      ["scan-2", "in-progress"],
    ]);
  });

  it("a final status past the give-up time is still published, not given up", async () => {
    const f = fakes({
      sessions: [open(1, { tokenExpiresAtMs: NOW - 30 * 86_400_000 })],
      answers: { "scan-1": { status: "EXPIRED" } },
    });
    expect(await f.run()).toMatchObject({ final: 1, gaveUp: 0 });
    expect(f.givenUp).toEqual([]);
  });
});

describe("the claim", () => {
  it("a session closed or taken by another run since `due` read it is skipped without a status call", async () => {
    const f = fakes({
      sessions: [open(1), open(2)],
      claim: (session) => okAsync(session.scanRef !== "scan-1"),
    });
    const summary = await f.run();
    expect(summary).toEqual({ due: 2, asked: 1, final: 0, inProgress: 1, gaveUp: 0, skipped: 1, failed: 0 });
    expect(f.calls.map((c) => c.scanRef)).toEqual(["scan-2"]);
  });

  it("DynamoDB failing on the claim stops the run (state-unavailable)", async () => {
    const f = fakes({
      sessions: [open(1), open(2)],
      claim: () => errAsync(awsFailure("dynamodb", "UpdateItem")),
    });
    const summary = await f.run();
    expect(summary).toMatchObject({ due: 2, asked: 0, failed: 1, stoppedEarly: "state-unavailable" });
    expect(f.calls).toEqual([]);
  });

  it("the index failing to list the due sessions ends the run at once", async () => {
    const f = fakes({ sessions: [] });
    const failing: ReconcileSessionsDependencies = {
      ...f.deps,
      openSessions: { ...f.deps.openSessions, due: () => errAsync(awsFailure("dynamodb", "Query")) },
    };
    const summary = await reconcileSessions(failing, { remainingTimeMs: () => 60_000 });
    expect(summary).toMatchObject({ due: 0, asked: 0, stoppedEarly: "state-unavailable" });
    expect(summary.detail).toContain("Query");
  });
});

describe("the run's bounds", () => {
  it("reads at most RECONCILE_MAX_PER_RUN sessions and asks about no more", async () => {
    const f = fakes({ sessions: [1, 2, 3, 4, 5].map((n) => open(n)), config: { RECONCILE_MAX_PER_RUN: 3 } });
    const summary = await f.run();
    expect(f.dueLimits).toEqual([3]);
    expect(summary).toMatchObject({ due: 3, asked: 3 });
    expect(f.calls.map((c) => c.scanRef)).toEqual(["scan-1", "scan-2", "scan-3"]);
  });

  it("with too little time left, stops before claiming anything", async () => {
    const f = fakes({ sessions: [open(1), open(2)] });
    const summary = await f.run({ remainingTimeMs: () => 3_000 }); // under 1000 + 2000 + 500
    expect(summary).toMatchObject({ due: 2, asked: 0, failed: 0, stoppedEarly: "deadline" });
    expect(f.claims).toEqual([]);
  });

  it("stops when the time runs short, leaving the rest due", async () => {
    let remaining = 10_000;
    const f = fakes({ sessions: [open(1), open(2), open(3)] });
    const timed: ReconcileSessionsDependencies = {
      ...f.deps,
      markIdTransport: {
        send: (request) => {
          remaining -= 4_000;
          return f.deps.markIdTransport.send(request);
        },
      },
    };
    const summary = await reconcileSessions(timed, { remainingTimeMs: () => remaining });
    expect(summary).toMatchObject({ due: 3, asked: 2, inProgress: 2, stoppedEarly: "deadline" });
    expect(f.claims.map((c) => c.scanRef)).toEqual(["scan-1", "scan-2"]);
  });

  it("no rate-limiter slot before the deadline: stops without claiming the session", async () => {
    const f = fakes({ sessions: [open(1)], slot: false });
    const summary = await f.run();
    expect(summary).toMatchObject({ asked: 0, failed: 0, stoppedEarly: "deadline" });
    expect(f.claims).toEqual([]);
  });

  it("at the invocation's cutoff it stops, with what it knows", async () => {
    let cut: () => void = () => undefined;
    const cutoff = new Promise<void>((resolve) => {
      cut = resolve;
    });
    const f = fakes({ sessions: [open(1), open(2), open(3)], answers: { "scan-2": "hang" } });
    const running = f.run({ cutoff });
    await vi.waitFor(() => expect(f.calls.map((c) => c.scanRef)).toEqual(["scan-1", "scan-2"]));
    cut();
    const summary = await running;
    expect(summary).toMatchObject({ due: 3, asked: 1, inProgress: 1, failed: 1, stoppedEarly: "deadline" });
    expect(f.claims.map((c) => c.scanRef)).toEqual(["scan-1", "scan-2"]);
  });

  it("a cutoff already reached: the run stops at once, nothing reconciled", async () => {
    const f = fakes({ sessions: [open(1), open(2)], answers: { "scan-1": { status: "APPROVED" } } });
    const summary = await f.run({ cutoff: Promise.resolve() });
    expect(summary).toMatchObject({ due: 2, final: 0, inProgress: 0, stoppedEarly: "deadline" });
    expect(f.sent).toEqual([]);
  });
});

describe("Mark ID failing", () => {
  it("the token limit stops the run early with its alert; the rest stay due", async () => {
    const f = fakes({
      sessions: [open(1), open(2), open(3)],
      answers: { "scan-2": apiError("PERMISSIONS_ERROR", TOKEN_LIMIT_MESSAGE) },
    });
    const summary = await f.run();
    expect(summary).toMatchObject({
      due: 3,
      asked: 2,
      inProgress: 1,
      failed: 1,
      stoppedEarly: "token-limit",
      alert: { type: "markid.token-limit-reached", sent: true },
    });
    expect(f.alerts).toEqual(["markid.token-limit-reached"]);
    expect(f.calls.map((c) => c.scanRef)).toEqual(["scan-1", "scan-2"]);
  });

  it("another PERMISSIONS_ERROR stops it with permission-denied", async () => {
    const f = fakes({ sessions: [open(1), open(2)], answers: { "scan-1": apiError("PERMISSIONS_ERROR") } });
    expect(await f.run()).toMatchObject({ stoppedEarly: "permission-denied", asked: 1, failed: 1 });
    expect(f.alerts).toEqual(["markid.permission-denied"]);
    expect(f.calls).toHaveLength(1);
  });

  it("unavailable past the retries stops it, without an alert (the credential check raises that one)", async () => {
    const f = fakes({ sessions: [open(1), open(2)], answers: { "scan-1": unavailable } });
    const summary = await f.run();
    expect(summary).toMatchObject({ stoppedEarly: "unavailable", asked: 1, failed: 1 });
    expect(summary.detail).toContain("attempts-exhausted after 3 call(s)");
    expect(summary).not.toHaveProperty("alert");
    expect(f.calls).toHaveLength(3);
    expect(f.attempts.map((a) => a.outcome)).toEqual(["retry", "retry", "stop"]);
  });

  it("a transient failure that clears within the retries is just a slower answer", async () => {
    const f = fakes({ sessions: [open(1)], answers: { "scan-1": [unavailable, { status: "APPROVED" }] } });
    expect(await f.run()).toMatchObject({ asked: 1, final: 1, failed: 0 });
    expect(f.calls).toHaveLength(2);
  });

  it("UNAUTHORIZED: the key pair is re-read and the call retried once when it changed", async () => {
    const f = fakes({
      sessions: [open(1)],
      answers: { "scan-1": [apiError("UNAUTHORIZED"), { status: "DENIED" }] },
      refreshed: true,
    });
    expect(await f.run()).toMatchObject({ final: 1, failed: 0 });
    expect(f.refreshes()).toBe(1);
  });

  it("UNAUTHORIZED with an unchanged key pair stops the run with credentials-invalid", async () => {
    const f = fakes({ sessions: [open(1), open(2)], answers: { "scan-1": apiError("UNAUTHORIZED") } });
    expect(await f.run()).toMatchObject({ stoppedEarly: "credentials-invalid", failed: 1 });
    expect(f.alerts).toEqual(["markid.credentials-invalid"]);
    expect(f.calls).toHaveLength(1);
  });

  it("a reply we cannot read stops it as a client error (every reply would be read alike)", async () => {
    const f = fakes({ sessions: [open(1), open(2)], answers: { "scan-1": { noStatus: true } } });
    expect(await f.run()).toMatchObject({ stoppedEarly: "client-error", failed: 1 });
    expect(f.alerts).toEqual(["markid.client-error"]);
  });

  it("BAD_VALUE concerns that session alone: counted as failed, the run goes on", async () => {
    const f = fakes({
      sessions: [open(1), open(2)],
      answers: { "scan-1": apiError("BAD_VALUE"), "scan-2": { status: "APPROVED" } },
    });
    const summary = await f.run();
    expect(summary).toEqual({ due: 2, asked: 2, final: 1, inProgress: 0, gaveUp: 0, skipped: 0, failed: 1 });
    expect(f.alerts).toEqual([]);
  });

  it("BAD_VALUE past the give-up time: given up, since asking on would not end differently", async () => {
    const f = fakes({
      sessions: [open(1, { tokenExpiresAtMs: NOW - 8 * 86_400_000 })],
      answers: { "scan-1": apiError("BAD_VALUE") },
    });
    expect(await f.run()).toMatchObject({ gaveUp: 1, failed: 0 });
    expect(f.givenUp).toEqual(["scan-1"]);
  });

  it("never calls POST /api/v2/token, whatever happens", async () => {
    const f = fakes({
      sessions: [1, 2, 3, 4].map((n) => open(n)),
      answers: {
        "scan-1": { status: "APPROVED" },
        "scan-2": apiError("BAD_VALUE"),
        "scan-3": [unavailable, { status: "ACTIVE" }],
        "scan-4": apiError("UNAUTHORIZED"),
      },
    });
    await f.run();
    expect(new Set(f.calls.map((c) => c.path))).toEqual(new Set(["/api/v2/status"]));
  });
});

describe("metrics", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    metrics.clearMetrics();
  });

  it("counts ReconcileStatusCalls per status call and SessionsGivenUp per session given up", () => {
    const added = vi.spyOn(metrics, "addMetric");
    const observer = reconcileObserver();
    observer.onAttempt?.({ outcome: "success", attempt: 1, durationMs: 5 });
    observer.onSession?.({ scanRef: "scan-1", requestId: "req-1", outcome: "gave-up", attempts: 1 });
    observer.onSession?.({ scanRef: "scan-2", requestId: "req-2", outcome: "in-progress", attempts: 1 });

    const names = added.mock.calls.map(([name, unit, value]) => [name, unit, value]);
    expect(names).toContainEqual(["ReconcileStatusCalls", MetricUnit.Count, 1]);
    expect(names.filter(([name]) => name === "SessionsGivenUp")).toEqual([
      ["SessionsGivenUp", MetricUnit.Count, 1],
    ]);
  });
});
