import { readFileSync } from "node:fs";
import { okAsync } from "neverthrow";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createMarkIdClient,
  decodeErrorResponse,
  parseWebhookBodyKind,
  tokenEndpoint,
  verifyWebhookSignature,
  type MarkIdClient,
  type TokenRequest,
  type VerificationResult,
} from "../../lib/markid";
import { startSimulator, type Simulator } from "../../local/simulator";
import type { Verification } from "../../local/simulator/state";
import { resultPayload } from "../../local/simulator/webhook-payload";
import { call, KEY, SECRET } from "../simulator/support";

/*
 * The vendor-example contract suite: every file of test/fixtures/vendor (README.md there gives
 * each one's source) goes through the client's parsers and through the simulator, and both must
 * agree with the vendor: accept the same requests, produce replies the client parses.
 */

const fixture = (name: string): Buffer =>
  readFileSync(new URL(`../fixtures/vendor/${name}`, import.meta.url));
const fixtureJson = (name: string): Record<string, unknown> =>
  JSON.parse(fixture(name).toString("utf8")) as Record<string, unknown>;

const TOKEN_REQUESTS = [
  "token-request-idenfy-2021-full.json",
  "token-request-markid-dummy.json",
  "token-request-idenfy-current-country-list.json",
];

let sim: Simulator;
let client: MarkIdClient;

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, apiSecret: SECRET });
  client = createMarkIdClient({
    baseUrl: sim.url,
    credentials: () => okAsync({ apiKey: KEY, apiSecret: SECRET }),
    timeoutMs: 5000,
  });
});
afterAll(() => sim.close());
beforeEach(() => sim.control.setTokenBalance(100));

describe.each(TOKEN_REQUESTS)("token request %s", (name) => {
  it("passes the client's request check", () => {
    expect(tokenEndpoint.encodeRequest(fixtureJson(name) as TokenRequest).isOk()).toBe(true);
  });

  it("is accepted by the simulator byte for byte, with a 201 reply the client parses", async () => {
    const reply = await call(sim, "/api/v2/token", undefined, { raw: fixture(name).toString("utf8") });
    expect(reply.status).toBe(201);
    const parsed = tokenEndpoint.decodeResponse(Buffer.from(reply.text))._unsafeUnwrap();
    expect(parsed.clientId).toBe(fixtureJson(name)["clientId"]);
    expect(parsed.authToken.length).toBeGreaterThan(0);
  });

  it("goes end to end through the client against the simulator", async () => {
    const session = (await client.createToken(fixtureJson(name) as TokenRequest))._unsafeUnwrap();
    expect(session.scanRef).not.toBe("");
  });
});

describe("what the token examples demonstrate", () => {
  it("a lower-case country is accepted and echoed upper-cased, as iDenfy does", async () => {
    const reply = await call(sim, "/api/v2/token", fixtureJson("token-request-idenfy-2021-full.json"));
    expect(reply.json).toMatchObject({
      country: "LT",
      nationality: "LT",
      allowedDocuments: { LT: ["PASSPORT", "OTHER"] },
    });
  });

  it("a list of countries allows the documents in each", async () => {
    const reply = await call(
      sim,
      "/api/v2/token",
      fixtureJson("token-request-idenfy-current-country-list.json"),
    );
    expect(reply.json?.["allowedDocuments"]).toEqual({
      US: ["PASSPORT", "ID_CARD"],
      GB: ["PASSPORT", "ID_CARD"],
      DE: ["PASSPORT", "ID_CARD"],
    });
  });

  it("the dummy request starts a dummy verification", async () => {
    const reply = await call(sim, "/api/v2/token", fixtureJson("token-request-markid-dummy.json"));
    expect(reply.json?.["message"]).toBe("Dummy token and verification created successfully");
  });
});

describe("error examples", () => {
  it("PARTNER_ERROR (delete, 2021): the client keeps the identifier; the simulator answers the same body shape", async () => {
    const vendor = fixture("error-delete-partner-error-2021.json");
    expect(decodeErrorResponse(400, new Headers(), vendor)).toMatchObject({
      kind: "api",
      identifier: "PARTNER_ERROR",
      status: 400,
      message: "Token has not expired yet.",
    });
    const scanRef = (await client.createToken({ clientId: "cust-delete" }))._unsafeUnwrap().scanRef;
    const reply = await call(sim, "/api/v2/delete", { scanRef });
    expect(reply.status).toBe(400);
    expect(Object.keys(reply.json ?? {}).sort()).toEqual(
      Object.keys(fixtureJson("error-delete-partner-error-2021.json")).sort(),
    );
    expect(reply.json).toMatchObject({ identifier: "PARTNER_ERROR", message: "Token has not expired yet." });
    expect((await client.deleteVerification(scanRef))._unsafeUnwrapErr()).toMatchObject({
      kind: "api",
      identifier: "PARTNER_ERROR",
    });
  });

  it("MISSING_VALUE (process, 2021): the client keeps the identifier; the simulator sends the documented message", async () => {
    const vendor = fixture("error-process-missing-value-2021.json");
    expect(decodeErrorResponse(400, new Headers(), vendor)).toMatchObject({
      kind: "api",
      identifier: "MISSING_VALUE",
      message: "No image provided for step 'BACK'",
    });
    const { authToken } = (await client.createToken({ clientId: "cust-process" }))._unsafeUnwrap();
    const image = Buffer.from("front").toString("base64");
    const reply = await call(sim, "/api/v2/process", {
      authToken,
      country: "LT",
      documentType: "ID_CARD",
      images: { FRONT: image, FACE: image },
    });
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({
      identifier: "MISSING_VALUE",
      message: "No image provided for step 'BACK'",
    });
    expect(Object.keys(reply.json ?? {}).sort()).toEqual(
      Object.keys(fixtureJson("error-process-missing-value-2021.json")).sort(),
    );
  });
});

describe("webhook examples", () => {
  const result = (raw: Uint8Array): VerificationResult => {
    const body = parseWebhookBodyKind(raw, undefined)._unsafeUnwrap();
    if (body.kind !== "verification-result") throw new Error(`parsed as ${body.kind}`);
    return body.result;
  };

  it("iDenfy's 2021 callback (no final, legacy suspicionReasons) is a final result", () => {
    const parsed = result(fixture("webhook-idenfy-docs-2021.json"));
    expect(parsed).toMatchObject({
      scanRef: "scan-ref",
      clientId: "123",
      final: true,
      platform: "MOBILE_APP",
    });
    expect(parsed.status).toMatchObject({ overall: "APPROVED", fraudTags: [], suspicionReasons: [] });
    // The duplicate key: JSON.parse keeps the last value, as the README says parsers do.
    expect(parsed.data?.["selectedCountry"]).toBe("LT");
  });

  it("go-idenfy's signed fixture verifies with its key and is an automatic (non-final) result", () => {
    const raw = fixture("peer-webhook-go-idenfy.json");
    const signature = "e7386736c7f0e8ee293a7637a316d64f7193c3197c133576e3f72061100180e2";
    expect(raw.length).toBe(3269);
    expect(verifyWebhookSignature(raw, signature, "TestingKey")).toBe(true);
    expect(verifyWebhookSignature(raw, signature, "AnotherKey")).toBe(false);
    expect(result(raw)).toMatchObject({ scanRef: "scan-ref", final: false, status: { overall: "APPROVED" } });
  });

  it("the simulator's result webhook carries every top-level and status key of both examples", async () => {
    const scanRef = (
      await client.createToken({ clientId: "cust-hook", dummyStatus: "APPROVED" })
    )._unsafeUnwrap().scanRef;
    const verification = sim.control.verification(scanRef) as Verification;
    const sent = resultPayload(verification, true);
    // Sent only when the services or steps were requested (markid-api.md §7.5: "absent" allowed).
    const optional = new Set(["AML", "LID", "additionalStepPdfUrls"]);
    for (const name of ["webhook-idenfy-docs-2021.json", "peer-webhook-go-idenfy.json"]) {
      const vendor = fixtureJson(name);
      const missing = Object.keys(vendor).filter((key) => !(key in sent) && !optional.has(key));
      expect(missing, name).toEqual([]);
      const vendorStatus = Object.keys(vendor["status"] as object);
      expect(
        vendorStatus.filter((key) => !(key in (sent["status"] as object))),
        name,
      ).toEqual([]);
    }
    expect(result(Buffer.from(JSON.stringify(sent)))).toMatchObject({ scanRef, final: true });
  });
});
