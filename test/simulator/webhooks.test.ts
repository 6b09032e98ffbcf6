import { createHmac, timingSafeEqual } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../local/simulator";
import { call, createToken, expectedError, startReceiver, str, webhookJson, type Receiver } from "./support";

const SIGNING_KEY = "test-signing-key";

function verifies(body: Buffer, signature: string | undefined, key = SIGNING_KEY): boolean {
  if (signature === undefined) return false;
  const expected = Buffer.from(createHmac("sha256", key).update(body).digest("hex"));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

let receiver: Receiver;
let sim: Simulator;
beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startSimulator({
    webhookUrl: receiver.url,
    webhookSigningKey: SIGNING_KEY,
    webhookRetryIntervalMs: 5,
  });
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});

/** Create a dummy session and return its scanRef and the webhooks it caused, as the receiver saw them. */
async function dummy(status: string, fields: Record<string, unknown> = {}) {
  const start = receiver.received.length;
  const token = await createToken(sim, { dummyStatus: status, externalRef: "order-77", ...fields });
  await sim.control.flushWebhooks();
  return { token, scanRef: str(token["scanRef"]), received: receiver.received.slice(start) };
}

describe("dummy auto results", () => {
  it("answers with the dummy message and sends a signed auto-result webhook", async () => {
    const { token, scanRef, received } = await dummy("APPROVED");
    expect(token["message"]).toBe("Dummy token and verification created successfully");
    expect(received).toHaveLength(1);
    const [webhook] = received;
    expect(webhook!.headers["content-type"]).toBe("application/json");
    const signature = webhook!.headers["idenfy-signature"];
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(verifies(webhook!.body, signature as string)).toBe(true);
    expect(verifies(webhook!.body, signature as string, "another-key")).toBe(false);

    const payload = webhookJson(webhook!.body);
    expect(payload).toMatchObject({
      final: false,
      scanRef,
      clientId: "client-1",
      externalRef: "order-77",
      status: {
        overall: "APPROVED",
        autoFace: "FACE_MATCH",
        autoDocument: "DOC_VALIDATED",
        manualFace: null,
        manualDocument: null,
        fraudTags: [],
        mismatchTags: [],
      },
      data: { docFirstName: expect.any(String) as unknown, docType: "ID_CARD", manuallyDataChanged: false },
      fileUrls: { FRONT: expect.stringContaining(scanRef) as unknown, FACE: expect.any(String) as unknown },
    });
    expect(payload["startTime"]).toEqual(expect.any(Number));
    expect(payload["finishTime"]).toEqual(expect.any(Number));
    expect(payload).not.toHaveProperty("AML");

    const [delivery] = sim.control.webhooks().filter((entry) => entry.body === webhook!.body.toString());
    expect(delivery).toMatchObject({ url: receiver.url, status: 200, attempt: 1, signature });
  });

  it.each([
    ["DENIED", { overall: "DENIED", autoFace: "FACE_MISMATCH" }],
    ["SUSPECTED", { overall: "SUSPECTED", fraudTags: ["DUPLICATE_FACE"] }],
    ["EXPIRED", { overall: "EXPIRED", autoFace: null, autoDocument: null }],
  ])("sends %s as its auto result", async (status, expected) => {
    const { scanRef, received } = await dummy(status);
    expect(received).toHaveLength(1);
    expect(webhookJson(received[0]!.body)["status"]).toMatchObject(expected);
    expect((await call(sim, "/api/v2/status", { scanRef })).json!["status"]).toBe(status);
  });

  it("sends nothing for ACTIVE: the token stays usable", async () => {
    const { scanRef, received } = await dummy("ACTIVE");
    expect(received).toHaveLength(0);
    expect((await call(sim, "/api/v2/status", { scanRef })).json!["status"]).toBe("ACTIVE");
  });

  it("includes AML and LID results when the token asked for those services", async () => {
    const { received } = await dummy("APPROVED", { fraudServices: ["AML_NAMES_CHECK", "LID"] });
    const payload = webhookJson(received[0]!.body);
    expect(payload["AML"]).toEqual([expect.objectContaining({ serviceGroupType: "AML" })]);
    expect(payload["LID"]).toEqual([expect.objectContaining({ serviceGroupType: "LID" })]);
  });
});

describe("POST /api/v2/add-dummy-status", () => {
  it("approves with FACE_MATCH + DOC_VALIDATED and sends a final webhook carrying the manual fields", async () => {
    const { scanRef } = await dummy("SUSPECTED");
    const start = receiver.received.length;
    const response = await call(sim, "/api/v2/add-dummy-status", {
      scanRef,
      manualFaceMatchResult: "FACE_MATCH",
      manualDocumentValidity: "DOC_VALIDATED",
    });
    expect(response.status).toBe(200);
    expect(response.text).toBe("");
    await sim.control.flushWebhooks();
    const [webhook] = receiver.received.slice(start);
    expect(verifies(webhook!.body, webhook!.headers["idenfy-signature"] as string)).toBe(true);
    expect(webhookJson(webhook!.body)).toMatchObject({
      final: true,
      scanRef,
      status: {
        overall: "APPROVED",
        manualFace: "FACE_MATCH",
        manualDocument: "DOC_VALIDATED",
        autoFace: "FACE_MATCH",
      },
    });
    expect((await call(sim, "/api/v2/status", { scanRef })).json).toMatchObject({
      status: "APPROVED",
      manualFace: "FACE_MATCH",
      manualDocument: "DOC_VALIDATED",
    });
  });

  it("denies anything short of FACE_MATCH + DOC_VALIDATED, and accepts scanRef as a one-element list", async () => {
    const { scanRef } = await dummy("APPROVED");
    const start = receiver.received.length;
    await call(sim, "/api/v2/add-dummy-status", {
      scanRef: [scanRef],
      manualFaceMatchResult: "FACE_MATCH",
      manualDocumentValidity: "DOC_EXPIRED",
    });
    await sim.control.flushWebhooks();
    expect(webhookJson(receiver.received[start]!.body)["status"]).toMatchObject({
      overall: "DENIED",
      manualDocument: "DOC_EXPIRED",
    });
  });

  it("validates its fields and the verification it names", async () => {
    const { scanRef } = await dummy("APPROVED");
    const plain = await createToken(sim);
    const good = { scanRef, manualFaceMatchResult: "FACE_MATCH", manualDocumentValidity: "DOC_VALIDATED" };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, manualFaceMatchResult: undefined }, "MISSING_VALUE"],
      [{ ...good, manualDocumentValidity: "DOC_OK" }, "BAD_VALUE"],
      [{ ...good, scanRef: undefined }, "MISSING_VALUE"],
      [{ ...good, scanRef: "5b1e0f7a-2c3d-11ee-9a41-0242ac120002" }, "BAD_VALUE"],
      [{ ...good, scanRef: plain["scanRef"] }, "BAD_VALUE"],
    ];
    for (const [body, identifier] of cases) {
      const response = await call(sim, "/api/v2/add-dummy-status", body);
      expect(response.json).toEqual(expectedError(identifier));
    }
  });
});

describe("delivery", () => {
  it("resends a refused webhook every interval until it gets a 200", async () => {
    const start = receiver.received.length;
    receiver.replies.push(500, 204);
    const { scanRef } = await dummy("DENIED");
    const received = receiver.received.slice(start);
    expect(received).toHaveLength(3);
    // Every attempt carries the same bytes and signature.
    expect(new Set(received.map((entry) => entry.body.toString())).size).toBe(1);
    expect(new Set(received.map((entry) => entry.headers["idenfy-signature"])).size).toBe(1);
    const attempts = sim.control.webhooks().filter((entry) => entry.body.includes(scanRef));
    expect(attempts.map((entry) => [entry.attempt, entry.status])).toEqual([
      [1, 500],
      [2, 204],
      [3, 200],
    ]);
  });

  it("gives up after the configured number of resends", async () => {
    const local = await startSimulator({
      webhookUrl: receiver.url,
      webhookRetries: 1,
      webhookRetryIntervalMs: 1,
    });
    try {
      const start = receiver.received.length;
      receiver.replies.push(503, 503, 503);
      await createToken(local, { dummyStatus: "APPROVED" });
      await local.control.flushWebhooks();
      expect(receiver.received.length - start).toBe(2);
      expect(local.control.webhooks().map((entry) => entry.status)).toEqual([503, 503]);
    } finally {
      receiver.replies.length = 0;
      await local.close();
    }
  });

  it("records an unreachable receiver as error and retries it", async () => {
    const local = await startSimulator({
      webhookUrl: "http://127.0.0.1:1/hook",
      webhookRetries: 2,
      webhookRetryIntervalMs: 1,
    });
    try {
      await createToken(local, { dummyStatus: "APPROVED" });
      await local.control.flushWebhooks();
      expect(local.control.webhooks().map((entry) => entry.status)).toEqual(["error", "error", "error"]);
    } finally {
      await local.close();
    }
  });

  it("loses the next webhooks outright when told to drop them, resends included, then sends again", async () => {
    const start = receiver.received.length;
    sim.control.dropWebhooks(2);
    const lost = [await dummy("APPROVED"), await dummy("DENIED")];
    const delivered = await dummy("SUSPECTED");
    expect(receiver.received.length - start).toBe(1);
    for (const { scanRef } of lost) {
      const attempts = sim.control.webhooks().filter((entry) => entry.body.includes(scanRef));
      expect(attempts.map((entry) => entry.status)).toEqual(["dropped"]);
      // The result itself is not lost at Mark ID: its status endpoint still tells it.
      expect(sim.control.verification(scanRef)).toMatchObject({
        status: lost[0]!.scanRef === scanRef ? "APPROVED" : "DENIED",
      });
    }
    expect(sim.control.webhooks().filter((entry) => entry.body.includes(delivered.scanRef))).toEqual([
      expect.objectContaining({ status: 200 }),
    ]);
    expect(() => sim.control.dropWebhooks(-1)).toThrow(RangeError);
  });

  it("sends an unused token's EXPIRED webhook when the token expires, with no API call to notice it", async () => {
    const start = receiver.received.length;
    const { scanRef } = await createToken(sim, { expiryTime: 1 });
    expect(typeof scanRef).toBe("string");
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    await sim.control.flushWebhooks();
    const [expired] = receiver.received
      .slice(start)
      .map((webhook) => webhookJson(webhook.body))
      .filter((payload) => payload["scanRef"] === scanRef);
    expect(expired).toMatchObject({ final: true, status: { overall: "EXPIRED" } });
  });

  it("decides every pending manual review when told to, each with its final webhook", async () => {
    const automatic = await dummy("SUSPECTED");
    const expired = await dummy("EXPIRED");
    const start = receiver.received.length;

    expect(sim.control.reviewPending("FACE_MATCH", "DOC_VALIDATED")).toBeGreaterThanOrEqual(1);
    await sim.control.flushWebhooks();

    expect(sim.control.verification(automatic.scanRef)).toMatchObject({
      status: "APPROVED",
      manualFace: "FACE_MATCH",
      manualDocument: "DOC_VALIDATED",
    });
    const finals = receiver.received.slice(start).map((webhook) => webhookJson(webhook.body));
    expect(finals.filter((payload) => payload["scanRef"] === automatic.scanRef)).toEqual([
      expect.objectContaining({ final: true }),
    ]);
    // Nothing to review after an expiry; and a decided review is not decided again.
    expect(sim.control.verification(expired.scanRef)).toMatchObject({ status: "EXPIRED", manualFace: null });
    expect(sim.control.reviewPending("FACE_MATCH", "DOC_VALIDATED")).toBe(0);
  });

  it("records the webhook as skipped when no URL is set, and sends once one is set", async () => {
    const local = await startSimulator({
      webhookSigningKey: SIGNING_KEY,
      signatureHeader: "MarkId-Signature",
    });
    try {
      await createToken(local, { dummyStatus: "APPROVED" });
      await local.control.flushWebhooks();
      const [skipped] = local.control.webhooks();
      expect(skipped).toMatchObject({ url: "", status: "skipped" });
      expect(verifies(Buffer.from(skipped!.body), skipped!.signature)).toBe(true);

      local.control.setWebhookUrl(receiver.url);
      const start = receiver.received.length;
      await createToken(local, { dummyStatus: "APPROVED" });
      await local.control.flushWebhooks();
      const [webhook] = receiver.received.slice(start);
      expect(verifies(webhook!.body, webhook!.headers["markid-signature"] as string)).toBe(true);
      expect(webhook!.headers).not.toHaveProperty("idenfy-signature");
    } finally {
      await local.close();
    }
  });

  it("sends to the token's callbackUrl instead of the environment's URL", async () => {
    const local = await startSimulator({ webhookUrl: receiver.url, webhookRetries: 0 });
    try {
      const start = receiver.received.length;
      // Port 1 on loopback refuses connections: the attempt fails fast, and nothing reaches the receiver.
      await createToken(local, { dummyStatus: "APPROVED", callbackUrl: "https://127.0.0.1:1/hook" });
      await local.control.flushWebhooks();
      expect(local.control.webhooks()).toEqual([
        expect.objectContaining({ url: "https://127.0.0.1:1/hook", status: "error" }),
      ]);
      expect(receiver.received.length).toBe(start);
    } finally {
      await local.close();
    }
  });

  it("sends the EXPIRED webhook (final) when an unused token expires", async () => {
    const token = await createToken(sim);
    const start = receiver.received.length;
    sim.control.expire(str(token["scanRef"]));
    await sim.control.flushWebhooks();
    expect(webhookJson(receiver.received[start]!.body)).toMatchObject({
      final: true,
      scanRef: token["scanRef"],
      status: { overall: "EXPIRED" },
      startTime: null,
    });
  });

  it("sends one final webhook after direct processing", async () => {
    const token = await createToken(sim, { documents: ["PASSPORT"] });
    const start = receiver.received.length;
    const image = Buffer.from("x").toString("base64");
    await call(sim, "/api/v2/process", {
      authToken: token["authToken"],
      country: "LV",
      documentType: "PASSPORT",
      images: { FRONT: image, FACE: image },
    });
    await sim.control.flushWebhooks();
    const received = receiver.received.slice(start);
    expect(received).toHaveLength(1);
    expect(webhookJson(received[0]!.body)).toMatchObject({
      final: true,
      status: { overall: "APPROVED" },
      data: { docIssuingCountry: "LV", docType: "PASSPORT" },
    });
  });
});
