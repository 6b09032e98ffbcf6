/*
 * Finds values that must not appear somewhere (secrets, authTokens, personal data) in a large
 * amount of text without comparing every line with every value: each value is indexed by its
 * longest alphanumeric word, and a line is compared in full only with the values whose word it
 * contains. Matching ignores case (the simulator upper-cases names it echoes).
 */

export type LeakCategory = "secret" | "auth-token" | "personal-data";

export interface Finding {
  readonly category: LeakCategory;
  /** Where it was found (e.g. "log", "alert", "verification.failed"). */
  readonly place: string;
  /** A redacted hint for the report: the category and the value's length, never the value. */
  readonly hint: string;
}

const WORD = /[a-z0-9]+/g;
/** Words shorter than this are too common to index on; values without a longer word are skipped. */
const MIN_WORD = 4;

export class LeakScanner {
  readonly #byWord = new Map<string, { readonly value: string; readonly category: LeakCategory }[]>();
  #values = 0;

  /** Values shorter than MIN_WORD characters are ignored (they would match everywhere). */
  add(category: LeakCategory, value: string): void {
    const normalised = value.trim().toLowerCase();
    const words = normalised.match(WORD) ?? [];
    const key = words.reduce((longest, word) => (word.length > longest.length ? word : longest), "");
    if (key.length < MIN_WORD) return;
    const entries = this.#byWord.get(key) ?? [];
    if (entries.some((entry) => entry.value === normalised)) return;
    entries.push({ value: normalised, category });
    this.#byWord.set(key, entries);
    this.#values += 1;
  }

  get size(): number {
    return this.#values;
  }

  /** Every value found in `text` (one finding per value per call). */
  scan(text: string, place: string): Finding[] {
    const lower = text.toLowerCase();
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const word of lower.match(WORD) ?? []) {
      const entries = this.#byWord.get(word);
      if (entries === undefined) continue;
      for (const entry of entries) {
        if (seen.has(entry.value) || !lower.includes(entry.value)) continue;
        seen.add(entry.value);
        findings.push({
          category: entry.category,
          place,
          hint: `${entry.category} (${entry.value.length} chars)`,
        });
      }
    }
    return findings;
  }
}
