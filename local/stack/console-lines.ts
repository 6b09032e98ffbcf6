import type { HttpRequestReport } from "./http-api-server";
import type { Invocation } from "./lambda-context";
import type { PublishedRecord } from "./published-feed";
import type { BatchReport } from "./sqs-poller";

/*
 * One readable line per thing that happened. Published messages are printed from a short list of
 * named fields only — identifiers, statuses, counts — never the body as a whole: events carry the
 * session's authToken, its redirect URL (which contains the authToken) and a person's data.
 */

export function describePublished(record: PublishedRecord): string {
  const b = record.body;
  if (record.topic === "alerts") {
    return [
      "ALERT",
      record.type,
      (record.state ?? "?").toUpperCase(),
      fields(b, ["severity", "count", "stage"]),
      typeof b["summary"] === "string" ? quoted(b["summary"]) : "",
    ]
      .filter((part) => part !== "")
      .join("  ");
  }
  const shown: Record<string, readonly string[]> = {
    "verification.session-created": ["requestId", "scanRef", "expiresAt"],
    "verification.completed": ["scanRef", "overall", "final", "source", "sequence"],
    "verification.failed": ["requestId", "messageId", "identifier", "fields"],
    "markid.notification": ["kind", "scanRef"],
  };
  const parts = [
    record.topic === "events" ? "event" : "other",
    record.type,
    fields(b, shown[record.type] ?? []),
  ];
  if (record.type === "verification.failed" && typeof b["reason"] === "string")
    parts.push(quoted(b["reason"]));
  return parts.filter((part) => part !== "").join("  ");
}

export function describeBatch(
  report: BatchReport,
  visibilityTimeoutSeconds: number,
  maxReceiveCount: number,
  functionName = "startVerification",
): string {
  const total = report.messageIds.length;
  const head = `sqs    ${functionName}  ${total} message${total === 1 ? "" : "s"} (${report.durationMs} ms)`;
  const lastTries = report.returned.filter((id) => (report.receiveCounts[id] ?? 0) >= maxReceiveCount);
  const returned =
    report.returned.length === 0
      ? ""
      : `, ${report.returned.length} returned (back in ${visibilityTimeoutSeconds} s` +
        (lastTries.length === 0
          ? ")"
          : `; ${lastTries.length} at receive ${maxReceiveCount}/${maxReceiveCount} → DLQ)`);
  if (report.outcome !== "returned")
    return `${head}: invocation failed (${report.outcome}: ${cut(report.problem ?? "", 160)})${returned}`;
  return `${head}: ${report.deleted.length} deleted${returned}`;
}

export function describeHttp(report: HttpRequestReport): string {
  const problem = report.problem === undefined ? "" : `  ${cut(report.problem, 160)}`;
  return `http   ${report.method} ${report.path} → ${report.status} (${report.durationMs} ms)${problem}`;
}

export function describeScheduleRun(
  invocation: Invocation<unknown>,
  functionName = "checkCredentials",
): string {
  const head = `timer  ${functionName} (${invocation.durationMs} ms)`;
  switch (invocation.kind) {
    case "returned":
      return `${head} → ${describeSummary(invocation.value)}`;
    case "threw":
      return `${head} → threw: ${cut(invocation.error instanceof Error ? invocation.error.message : String(invocation.error), 160)}`;
    case "timed-out":
      return `${head} → timed out`;
  }
}

/**
 * The check's summary (every field log-safe by contract) as `key=value` pairs: scalars as they
 * are, lists of alerts as `type:state` for those actually sent (the check reports every clear it
 * tried, most of which find nothing firing).
 */
function describeSummary(summary: unknown): string {
  if (typeof summary !== "object" || summary === null) return cut(String(summary), 160);
  const parts: string[] = [];
  for (const [name, value] of Object.entries(summary)) {
    if (Array.isArray(value)) {
      const sent = value
        .filter(
          (item: unknown) =>
            typeof item === "object" && item !== null && (item as { sent?: unknown }).sent !== false,
        )
        .map((item: Record<string, unknown>) =>
          [item["type"], item["state"]].filter((v): v is string => typeof v === "string").join(":"),
        );
      if (sent.length > 0) parts.push(`${name}=${sent.join(",")}`);
    } else if (typeof value !== "object" || value === null) {
      parts.push(`${name}=${typeof value === "string" && /\s/.test(value) ? `"${value}"` : String(value)}`);
    }
  }
  return cut(parts.join(" "), 240);
}

export function timestamped(line: string, now = new Date()): string {
  return `${now.toISOString().slice(11, 23)}  ${line}`;
}

function fields(body: Readonly<Record<string, unknown>>, names: readonly string[]): string {
  return names
    .filter((name) => body[name] !== undefined && body[name] !== null)
    .map((name) => {
      const value = body[name];
      const text = Array.isArray(value) ? value.map(String).join(",") : String(value);
      return `${name}=${cut(text, 80)}`;
    })
    .join(" ");
}

function quoted(text: string): string {
  return `"${cut(text, 120)}"`;
}

/** One line, bounded: control characters (a forged newline in a value) become spaces. */
export function cut(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, " ");
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
