import { describe, expect, it } from "vitest";
import { readBatchResponse } from "../../local/stack/batch-response";

const ids = new Set(["m1", "m2"]);

describe("readBatchResponse (ReportBatchItemFailures)", () => {
  it.each([undefined, null, {}, { batchItemFailures: null }, { batchItemFailures: [] }])(
    "reads %j as complete success",
    (reply) => {
      expect(readBatchResponse(reply, ids)).toEqual({ valid: true, failed: new Set() });
    },
  );

  it("returns the named failures", () => {
    expect(readBatchResponse({ batchItemFailures: [{ itemIdentifier: "m2" }] }, ids)).toEqual({
      valid: true,
      failed: new Set(["m2"]),
    });
  });

  it.each([
    ["a string", "ok"],
    ["a list", []],
    ["batchItemFailures not a list", { batchItemFailures: "m1" }],
    ["an empty identifier", { batchItemFailures: [{ itemIdentifier: "" }] }],
    ["a null identifier", { batchItemFailures: [{ itemIdentifier: null }] }],
    ["a wrongly named key", { batchItemFailures: [{ itemId: "m1" }] }],
    ["an id outside the batch", { batchItemFailures: [{ itemIdentifier: "m3" }] }],
  ])("makes the whole batch a failure for %s", (_, reply) => {
    expect(readBatchResponse(reply, ids).valid).toBe(false);
  });
});
