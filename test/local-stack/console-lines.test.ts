import { describe, expect, it } from "vitest";
import { describeBatch, describePublished, describeScheduleRun } from "../../local/stack/console-lines";
import { PublishedFeed } from "../../local/stack/published-feed";

const topics = { events: "arn:events", alerts: "arn:alerts" };

function record(topic: string, body: Record<string, unknown>, attributes: Record<string, string> = {}) {
  const feed = new PublishedFeed(topics);
  feed.add(topic, JSON.stringify(body), attributes);
  return feed.list()[0]!;
}

describe("console lines", () => {
  it("print a session without its authToken, redirect URL or clientId", () => {
    const line = describePublished(
      record(
        "arn:events",
        {
          type: "verification.session-created",
          requestId: "r-1",
          clientId: "customer-77",
          scanRef: "scan-1",
          authToken: "SECRETTOKEN123",
          redirectUrl: "https://ivs.example/redirect?authToken=SECRETTOKEN123",
          expiresAt: "2030-01-01T00:00:00Z",
        },
        { type: "verification.session-created" },
      ),
    );
    expect(line).toContain("verification.session-created");
    expect(line).toContain("requestId=r-1");
    expect(line).toContain("scanRef=scan-1");
    expect(line).not.toMatch(/SECRETTOKEN|redirect|customer-77/);
  });

  it("print a result's status without the person's data", () => {
    const line = describePublished(
      record("arn:events", {
        type: "verification.completed",
        scanRef: "scan-1",
        overall: "APPROVED",
        final: false,
        data: { docFirstName: "ZOË", docDob: "1990-01-01" },
      }),
    );
    expect(line).toBe("event  verification.completed  scanRef=scan-1 overall=APPROVED final=false");
  });

  it("print an alert with its type, state and count, on one line even if the summary has a newline", () => {
    const line = describePublished(
      record(
        "arn:alerts",
        {
          type: "markid.token-limit-reached",
          state: "firing",
          severity: "critical",
          count: 3,
          summary: "limit\nreached",
        },
        { type: "markid.token-limit-reached", state: "firing" },
      ),
    );
    expect(line).toBe(
      'ALERT  markid.token-limit-reached  FIRING  severity=critical count=3  "limit reached"',
    );
  });

  it("say which returned messages reach the DLQ next", () => {
    const line = describeBatch(
      {
        messageIds: ["a", "b", "c"],
        receiveCounts: { a: 1, b: 1, c: 5 },
        outcome: "returned",
        deleted: ["a"],
        returned: ["b", "c"],
        durationMs: 12,
      },
      10,
      5,
    );
    expect(line).toContain("1 deleted, 2 returned (back in 10 s; 1 at receive 5/5 → DLQ)");
  });
});

describe("credential check line", () => {
  it("shows the summary's scalars and only the alerts actually sent", () => {
    const line = describeScheduleRun({
      kind: "returned",
      durationMs: 5,
      value: {
        outcome: "ok",
        attempts: 1,
        detail: "HTTP 400 BAD_VALUE",
        alerts: [
          { type: "markid.credentials-invalid", state: "resolved", sent: false },
          { type: "markid.unavailable", state: "resolved", sent: true },
        ],
      },
    });
    expect(line).toBe(
      'timer  checkCredentials (5 ms) → outcome=ok attempts=1 detail="HTTP 400 BAD_VALUE" alerts=markid.unavailable:resolved',
    );
  });
});
