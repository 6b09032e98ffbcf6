import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { KNOWN_IDENTIFIERS } from "../../lib/markid/identifiers";
import { ALERT_TYPES } from "../../lib/messages";
import { POLICY_TABLE_PATH, renderPolicyTable } from "../../scripts/policy-table";

describe("docs/policy-table.md", () => {
  it("is what `npm run docs:policy` generates from the policy module (run it after changing the policy)", async () => {
    const committed = await readFile(POLICY_TABLE_PATH, "utf8");
    expect(committed).toBe(renderPolicyTable());
  });

  it("has a row for every known identifier and mentions only published alert types", () => {
    const table = renderPolicyTable();
    for (const identifier of KNOWN_IDENTIFIERS) expect(table).toContain(`| \`${identifier}\``);
    const alerts = [...table.matchAll(/`(markid\.[a-z-]+)`/g)].map((m) => m[1]);
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) expect(ALERT_TYPES).toContain(alert);
  });

  it("keeps every table row to the header's column count", () => {
    for (const line of renderPolicyTable()
      .split("\n")
      .filter((l) => l.startsWith("| `") || l.startsWith("| HTTP"))) {
      const cells = line.replaceAll("\\|", "").split("|").length - 2;
      expect([2, 6]).toContain(cells);
    }
  });
});
