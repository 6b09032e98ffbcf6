import { describe, expect, it } from "vitest";
import { parseWebhookBodyKind } from "../../lib/markid/webhook-body";

const kindOf = (body: unknown, eventType?: string) => parseWebhookBodyKind(JSON.stringify(body), eventType);

describe("parseWebhookBodyKind", () => {
  it("reads a body with a status object as a result, final when the field is absent", () => {
    const parsed = kindOf({ scanRef: "s", clientId: "c", status: { overall: "APPROVED" } })._unsafeUnwrap();
    expect(parsed.kind === "verification-result" && parsed.result.final).toBe(true);
  });

  it("keeps final false when the body says so", () => {
    const parsed = kindOf({ scanRef: "s", clientId: "c", final: false, status: { overall: "APPROVED" } });
    expect(parsed._unsafeUnwrap()).toMatchObject({ kind: "verification-result", result: { final: false } });
  });

  it("still refuses a result without what a result needs, naming the fields", () => {
    const error = kindOf({ status: { fraudTags: [] } }, "IDENTIFICATION")._unsafeUnwrapErr();
    expect(error.kind === "invalid-payload" && error.issues.map((issue) => issue.path)).toEqual([
      "scanRef",
      "clientId",
      "status.overall",
    ]);
  });

  it.each([
    ["DOCUMENT_EXPIRATION", "document-expiration"],
    ["  Document Expiration ", "document-expiration"],
    ["KYB.Finished", "kyb-finished"],
    ["x".repeat(200), "x".repeat(64)],
  ])("normalises the event-type header %j to %j", (header, kind) => {
    expect(kindOf({ scanRef: "s" }, header)._unsafeUnwrap()).toMatchObject({ notification: { kind } });
  });

  it("falls back to the body's shape when the header is blank of letters", () => {
    expect(kindOf({ documentExpiration: "2027-01-01" }, " -- ")._unsafeUnwrap()).toMatchObject({
      notification: { kind: "document-expiration", scanRef: null, clientId: null },
    });
  });

  it("keeps a numeric clientId as a string and the payload as received", () => {
    const body = {
      scanRef: "s",
      clientId: 42,
      expirationThreshold: "DOCUMENT_EXPIRED",
      extra: [1, { a: null }],
    };
    expect(kindOf(body)._unsafeUnwrap()).toEqual({
      kind: "notification",
      notification: { kind: "document-expiration", scanRef: "s", clientId: "42", payload: body },
    });
  });

  it("refuses what is not a JSON object, whatever the header says", () => {
    for (const raw of ["[]", "null", '"text"', "{"]) {
      expect(parseWebhookBodyKind(raw, "DOCUMENT_EXPIRATION").isErr(), raw).toBe(true);
    }
  });
});
