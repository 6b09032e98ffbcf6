import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exceedsJsonDepth } from "../../lib/markid/json-depth";

const bytes = (text: string) => Buffer.from(text, "utf8");
const nested = (levels: number) => "[".repeat(levels) + "]".repeat(levels);

/** The depth JSON.parse sees, for the oracle. */
function depthOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce((max: number, child) => Math.max(max, depthOf(child)), 0);
}

describe("exceedsJsonDepth", () => {
  it("counts objects and arrays, and only past the limit", () => {
    expect(exceedsJsonDepth(bytes(nested(64)), 64)).toBe(false);
    expect(exceedsJsonDepth(bytes(nested(65)), 64)).toBe(true);
    expect(exceedsJsonDepth(bytes(`{"a":${nested(63)}}`), 64)).toBe(false);
    expect(exceedsJsonDepth(bytes(`{"a":{"b":${nested(63)}}}`), 64)).toBe(true);
  });

  it("ignores brackets inside strings, escaped quotes included", () => {
    expect(exceedsJsonDepth(bytes(`{"a":"${"[".repeat(100)}"}`), 2)).toBe(false);
    expect(exceedsJsonDepth(bytes(`{"a":"\\"${"{".repeat(100)}"}`), 2)).toBe(false);
    expect(exceedsJsonDepth(bytes(`["\\\\",${nested(3)}]`), 3)).toBe(true);
  });

  it("agrees with the depth of what JSON.parse reads, for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ depthSize: "large" }), fc.integer({ min: 0, max: 8 }), (value, limit) => {
        const text = JSON.stringify(value);
        expect(exceedsJsonDepth(bytes(text), limit)).toBe(depthOf(JSON.parse(text)) > limit);
      }),
    );
  });
});
