import type { AlertMessage } from "../messages";

/**
 * SNS refuses a Subject that is not printable ASCII starting with a letter, number or
 * punctuation, that holds a line break or control character, or that is not "less than 100
 * characters" (the API reference's wording; some pages say 100 — 99 satisfies both).
 */
export const SNS_SUBJECT_MAX_LENGTH = 99;

const ELLIPSIS = "...";
const EMPTY_SUBJECT = "(no subject)";

/**
 * Makes any text a valid SNS Subject: accents folded to ASCII (é → e), other non-ASCII and
 * control characters replaced, whitespace runs (line breaks included) collapsed to one space,
 * cut with "..." to the limit. Never empty: an empty result would drop the Subject silently.
 */
export function toSnsSubject(text: string): string {
  const folded = text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[\s\p{C}]+/gu, " ")
    .replace(/[^\x20-\x7e]/gu, "?")
    .replace(/ {2,}/g, " ")
    .trim();
  const subject = folded.length > 0 ? folded : EMPTY_SUBJECT;
  if (subject.length <= SNS_SUBJECT_MAX_LENGTH) return subject;
  return subject.slice(0, SNS_SUBJECT_MAX_LENGTH - ELLIPSIS.length).trimEnd() + ELLIPSIS;
}

/** `[prod] FIRING markid.token-limit-reached: Partner reached token limit.` as an SNS Subject. */
export function alertSubject(alert: Pick<AlertMessage, "stage" | "state" | "type" | "summary">): string {
  return toSnsSubject(`[${alert.stage}] ${alert.state.toUpperCase()} ${alert.type}: ${alert.summary}`);
}
