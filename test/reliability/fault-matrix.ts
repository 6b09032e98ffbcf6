import type { AlertType } from "../../lib/messages";

/*
 * The fault matrix's expectations, written from design.md §3 (and §4.1 for the credential check
 * and the webhook) by hand, not read from lib/resilience/policy.ts: the matrix test drives the real
 * handlers against the simulator's and the local AWS stack's injected faults, reduces what it saw
 * (calls Mark ID received, backoff, secret re-reads, alerts, events, the handler's reply) to an
 * Observation, and compares it with the Observation the §3 action implies.
 */

/** The §3 row a fault falls under, in design.md's words. */
export type Section3Action =
  | "retry"
  | "retry, longer delay"
  | "refresh credentials"
  | "token limit"
  | "permission denied"
  | "reject request"
  | "client error"
  /** §3 "retry" refined for POST /api/v2/token: a timeout or reset after sending (README "Unknown outcomes"). */
  | "unknown outcome";

export const RETRY_MAX_ATTEMPTS = 4;

/** What one start-verification invocation of one record did, as seen from outside. */
export interface StartObservation {
  /** POST /api/v2/token calls the simulator received. */
  readonly calls: number;
  /** The base delay class of the backoff sleeps between them ("none" without retries). */
  readonly backoff: "none" | "standard" | "rate-limited";
  /** The secret was read again after the first call (the credential refresh). */
  readonly secretReRead: boolean;
  readonly alert: AlertType | null;
  readonly event: "none" | "verification.failed" | "verification.session-created";
  readonly reply: "acknowledged" | "batch item failure";
}

/** What one credential check did. */
export interface CheckObservation {
  readonly outcome: string;
  readonly attempts: number;
  readonly refreshed: boolean;
  /** Alerts published as firing. */
  readonly alert: AlertType | null;
}

const giveBack = { event: "none", reply: "batch item failure" } as const;

/** The start-verification observation each §3 action implies (one record, the fault on every call). */
export function expectedStart(
  action: Section3Action,
  unknownOutcome: "redeliver" | "fail",
): StartObservation {
  const once = { calls: 1, backoff: "none", secretReRead: false } as const;
  switch (action) {
    case "retry":
      return {
        ...giveBack,
        calls: RETRY_MAX_ATTEMPTS,
        backoff: "standard",
        secretReRead: false,
        alert: null,
      };
    case "retry, longer delay":
      return {
        ...giveBack,
        calls: RETRY_MAX_ATTEMPTS,
        backoff: "rate-limited",
        secretReRead: false,
        alert: null,
      };
    case "refresh credentials":
      return { ...giveBack, ...once, secretReRead: true, alert: "markid.credentials-invalid" };
    case "token limit":
      return { ...giveBack, ...once, alert: "markid.token-limit-reached" };
    case "permission denied":
      return { ...giveBack, ...once, alert: "markid.permission-denied" };
    case "client error":
      return { ...giveBack, ...once, alert: "markid.client-error" };
    case "reject request":
      return { ...once, alert: null, event: "verification.failed", reply: "acknowledged" };
    case "unknown outcome":
      return unknownOutcome === "redeliver"
        ? { ...giveBack, ...once, alert: null }
        : { ...once, alert: null, event: "verification.failed", reply: "acknowledged" };
  }
}

/**
 * The credential check (§4.1): any reply but UNAUTHORIZED / 401 proves the key pair; what proves
 * nothing (transient failures) is retried, then `markid.unavailable`; UNAUTHORIZED re-reads the
 * secret, then `markid.credentials-invalid`.
 */
export function expectedCheck(action: Section3Action): CheckObservation {
  switch (action) {
    case "retry":
    case "retry, longer delay":
    case "unknown outcome":
      return {
        outcome: "unavailable",
        attempts: RETRY_MAX_ATTEMPTS,
        refreshed: false,
        alert: "markid.unavailable",
      };
    case "refresh credentials":
      return {
        outcome: "credentials-invalid",
        attempts: 1,
        refreshed: true,
        alert: "markid.credentials-invalid",
      };
    case "token limit":
    case "permission denied":
    case "client error":
    case "reject request":
      return { outcome: "ok", attempts: 1, refreshed: false, alert: null };
  }
}

export function describeStart(o: StartObservation): string {
  const calls = `${o.calls} call${o.calls === 1 ? "" : "s"}`;
  const parts = [o.backoff === "none" ? calls : `${calls} (${o.backoff} backoff)`];
  if (o.secretReRead) parts.push("secret re-read");
  if (o.alert !== null) parts.push(o.alert);
  if (o.event !== "none") parts.push(o.event);
  parts.push(o.reply === "acknowledged" ? "ack" : "batch item failure");
  return parts.join(" → ");
}

export function describeCheck(o: CheckObservation): string {
  const parts = [`${o.attempts} call${o.attempts === 1 ? "" : "s"}`];
  if (o.refreshed) parts.push("secret re-read");
  parts.push(o.outcome);
  if (o.alert !== null) parts.push(o.alert);
  return parts.join(" → ");
}

export interface MatrixRow {
  readonly fault: string;
  readonly section3: string;
  readonly cells: readonly string[];
  /** Every cell matched what §3 names. */
  readonly ok: boolean;
}

export interface MatrixTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly MatrixRow[];
}

const escape = (text: string) => text.replaceAll("|", "\\|");

export function renderMarkdown(tables: readonly MatrixTable[]): string {
  const out: string[] = [];
  for (const table of tables) {
    out.push(
      `### ${table.title}`,
      "",
      `| Fault | design.md §3 | ${table.columns.join(" | ")} | |`,
      `|---|---|${table.columns.map(() => "---|").join("")}---|`,
      ...table.rows.map(
        (row) =>
          `| ${[row.fault, row.section3, ...row.cells].map(escape).join(" | ")} | ${row.ok ? "ok" : "**differs**"} |`,
      ),
      "",
    );
  }
  return out.join("\n").trim();
}

export function renderText(tables: readonly MatrixTable[]): string {
  const out: string[] = [];
  for (const table of tables) {
    const header = ["fault", "design.md §3", ...table.columns, ""];
    const lines = table.rows.map((row) => [row.fault, row.section3, ...row.cells, row.ok ? "ok" : "DIFFERS"]);
    const widths = header.map((name, i) =>
      Math.max(name.length, ...lines.map((line) => (line[i] ?? "").length)),
    );
    const format = (cells: readonly string[]) =>
      cells
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd();
    out.push(table.title, format(header), format(widths.map((w) => "-".repeat(w))), ...lines.map(format), "");
  }
  return out.join("\n");
}
