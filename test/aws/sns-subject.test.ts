import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALERT_TYPES } from "../../lib/messages";
import { alertSubject, SNS_SUBJECT_MAX_LENGTH, toSnsSubject } from "../../lib/aws/sns-subject";

// SNS: printable ASCII, starting with a letter, number or punctuation, no line breaks or controls.
const VALID_SUBJECT = /^[!-~][ -~]*$/;

/** Any code point, lone surrogates included, weighted towards the characters SNS refuses. */
const anyChar = fc.oneof(
  fc.constantFrom(
    "\n",
    "\r",
    "\t",
    "\u0000",
    "\u007f",
    "\u0085",
    "\u2028",
    "\u200b",
    " ",
    "\u00e9",
    "\ud83d",
  ),
  fc.integer({ min: 0x20, max: 0x7e }).map((cp) => String.fromCharCode(cp)),
  fc
    .integer({ min: 0, max: 0x10ffff })
    .map((cp) => (cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp))),
);

describe("toSnsSubject", () => {
  it("makes any text a valid Subject of at most 99 characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: anyChar, maxLength: 400 }), (text) => {
        const subject = toSnsSubject(text);
        expect(subject.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX_LENGTH);
        expect(subject.length).toBeLessThanOrEqual(100);
        expect(subject).toMatch(VALID_SUBJECT);
      }),
    );
  });

  it("keeps text that is already valid and short", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[!-~]( ?[!-~]){0,40}$/), (text) => {
        expect(toSnsSubject(text)).toBe(text);
      }),
    );
  });

  it("puts line breaks on one line, folds accents and cuts with an ellipsis", () => {
    expect(toSnsSubject("  first line\r\n\tsecond line  ")).toBe("first line second line");
    expect(toSnsSubject("Zürich café")).toBe("Zurich cafe");
    expect(toSnsSubject("ok \u0000\u0007 done 🚨")).toBe("ok done ?");
    const long = toSnsSubject("word ".repeat(50));
    expect(long.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX_LENGTH);
    expect(long.endsWith("...")).toBe(true);
    expect(toSnsSubject("\n\n")).toBe("(no subject)");
  });
});

describe("alertSubject", () => {
  it("summarises an alert on one line", () => {
    expect(
      alertSubject({
        stage: "prod",
        state: "firing",
        type: "markid.token-limit-reached",
        summary: "Partner reached\ntoken limit.",
      }),
    ).toBe("[prod] FIRING markid.token-limit-reached: Partner reached token limit.");
    expect(
      alertSubject({
        stage: "dev",
        state: "resolved",
        type: "markid.unavailable",
        summary: "Mark ID answers again",
      }),
    ).toBe("[dev] RESOLVED markid.unavailable: Mark ID answers again");
  });

  it("is valid whatever the stage and summary", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: anyChar, maxLength: 30 }),
        fc.constantFrom(...ALERT_TYPES),
        fc.constantFrom("firing" as const, "resolved" as const),
        fc.string({ unit: anyChar, maxLength: 300 }),
        (stage, type, state, summary) => {
          const subject = alertSubject({ stage, type, state, summary });
          expect(subject.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX_LENGTH);
          expect(subject).toMatch(VALID_SUBJECT);
        },
      ),
    );
  });
});
