import { describe, expect, it } from "vitest";
import { toYaml } from "../../scripts/event-docs/yaml";

// The emitter behind docs/events/asyncapi.yaml: a mistake here would make a document that looks
// right and means something else, so the tricky cases are spelt out.

describe("toYaml", () => {
  it("writes nested mappings and sequences in block style, scalars in JSON's double quotes", () => {
    expect(
      toYaml({
        plain: "text: with a colon # and a hash",
        lines: 'two\nlines and a "quote"',
        $ref: "#/components/messages/a.b",
        numbers: [1, 2.5],
        flags: { yes: true, no: false, none: null },
        list: [{ a: "x", b: ["y"] }, [["z"]]],
      }),
    ).toBe(
      [
        'plain: "text: with a colon # and a hash"',
        'lines: "two\\nlines and a \\"quote\\""',
        '$ref: "#/components/messages/a.b"',
        "numbers:",
        "  - 1",
        "  - 2.5",
        "flags:",
        '  "yes": true',
        '  "no": false',
        "  none: null",
        "list:",
        '  - a: "x"',
        "    b:",
        '      - "y"',
        '  - - - "z"',
        "",
      ].join("\n"),
    );
  });

  it("quotes keys that are not plain words (and the ones YAML 1.1 reads as booleans) and keeps empty collections on their key's line", () => {
    expect(toYaml({ "two words": {}, "-dash": [], "a.b-c_d": "v" })).toBe(
      ['"two words": {}', '"-dash": []', 'a.b-c_d: "v"', ""].join("\n"),
    );
  });
});
