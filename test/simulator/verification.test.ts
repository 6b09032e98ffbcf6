import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../local/simulator";
import { call, createToken, expectedError, str } from "./support";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const IMAGE = Buffer.from("not really a jpeg").toString("base64");
const steer = (result: string): string => Buffer.from(result).toString("base64");

function processBody(authToken: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    authToken,
    country: "LT",
    documentType: "PASSPORT",
    images: { FRONT: IMAGE, FACE: IMAGE },
    ...overrides,
  };
}

async function newSession(
  fields: Record<string, unknown> = {},
): Promise<{ scanRef: string; authToken: string }> {
  const token = await createToken(sim, fields);
  return { scanRef: str(token["scanRef"]), authToken: str(token["authToken"]) };
}

describe("POST /api/v2/process", () => {
  it("answers 200 with an empty body, completes the verification and spends the token", async () => {
    const { scanRef, authToken } = await newSession({
      firstName: "Ruta",
      lastName: "Petraite",
      externalRef: "o-1",
    });
    const response = await call(sim, "/api/v2/process", processBody(authToken));
    expect(response.status).toBe(200);
    expect(response.text).toBe("");

    const status = await call(sim, "/api/v2/status", { scanRef });
    expect(status.json).toEqual({
      status: "APPROVED",
      autoDocument: "DOC_VALIDATED",
      autoFace: "FACE_MATCH",
      manualDocument: null,
      manualFace: null,
      fraudTags: [],
      mismatchTags: [],
      scanRef,
      clientId: "client-1",
    });

    const again = await call(sim, "/api/v2/process", processBody(authToken));
    expect(again.json).toEqual(expectedError("TOKEN_NOT_VALID"));
  });

  it("lets the FRONT image steer the automatic result", async () => {
    for (const result of ["DENIED", "SUSPECTED"]) {
      const { scanRef, authToken } = await newSession();
      await call(
        sim,
        "/api/v2/process",
        processBody(authToken, { images: { FRONT: steer(result), FACE: IMAGE } }),
      );
      const status = await call(sim, "/api/v2/status", { scanRef });
      expect(status.json!["status"]).toBe(result);
    }
  });

  it("refuses an unknown or expired token with TOKEN_NOT_VALID", async () => {
    const unknown = await call(sim, "/api/v2/process", processBody("no-such-token"));
    expect(unknown.json).toEqual(expectedError("TOKEN_NOT_VALID"));

    const { scanRef, authToken } = await newSession();
    expect(sim.control.expire(scanRef)).toBe(true);
    const expired = await call(sim, "/api/v2/process", processBody(authToken));
    expect(expired.json).toEqual(expectedError("TOKEN_NOT_VALID"));
  });

  it.each([
    ["FRONT", "PASSPORT", { FACE: IMAGE }],
    ["FACE", "PASSPORT", { FRONT: IMAGE, FACE: null }],
    ["BACK", "ID_CARD", { FRONT: IMAGE, FACE: IMAGE }],
  ])("refuses a missing %s image (%s) with the documented message", async (step, documentType, images) => {
    const { authToken } = await newSession();
    const response = await call(sim, "/api/v2/process", processBody(authToken, { documentType, images }));
    expect(response.status).toBe(400);
    expect(response.json).toEqual(expectedError("MISSING_VALUE", `No image provided for step '${step}'`));
    // A refused upload leaves the token usable.
    expect((await call(sim, "/api/v2/process", processBody(authToken))).status).toBe(200);
  });

  it.each([
    ["authToken", { authToken: undefined }, "MISSING_VALUE"],
    ["country", { country: undefined }, "MISSING_VALUE"],
    ["documentType", { documentType: "VISA" }, "BAD_VALUE"],
    ["images", { images: undefined }, "MISSING_VALUE"],
    ["images.FRONT", { images: { FRONT: "not base64!", FACE: IMAGE } }, "BAD_VALUE"],
  ])("validates %s", async (field, overrides, identifier) => {
    const { authToken } = await newSession();
    const response = await call(sim, "/api/v2/process", processBody(authToken, overrides));
    expect(response.json).toEqual(expectedError(identifier));
    expect(str(response.json!["message"])).toContain(`'${field}'`);
  });
});

describe("POST /api/v2/status, /data, /files", () => {
  it("reports an unused token as ACTIVE with empty checks", async () => {
    const { scanRef } = await newSession();
    const status = await call(sim, "/api/v2/status", { scanRef });
    expect(status.json).toMatchObject({ status: "ACTIVE", autoFace: null, autoDocument: null, scanRef });
    const data = await call(sim, "/api/v2/data", { scanRef });
    expect(data.json).toMatchObject({
      docFirstName: null,
      docType: null,
      manuallyDataChanged: false,
      scanRef,
    });
    const files = await call(sim, "/api/v2/files", { scanRef });
    expect(files.json).toEqual({
      FRONT: null,
      BACK: null,
      FACE: null,
      FRONT_VIDEO: null,
      BACK_VIDEO: null,
      FACE_VIDEO: null,
    });
  });

  it("returns the document data and downloadable file URLs after processing", async () => {
    const { scanRef, authToken } = await newSession({
      firstName: "Ruta",
      dateOfBirth: "1991-03-04",
      documents: ["PASSPORT"],
    });
    await call(sim, "/api/v2/process", processBody(authToken));
    const data = await call(sim, "/api/v2/data", { scanRef });
    expect(data.json).toMatchObject({
      docFirstName: "RUTA",
      docDob: "1991-03-04",
      docType: "PASSPORT",
      docIssuingCountry: "LT",
      manuallyDataChanged: false,
      scanRef,
      clientId: "client-1",
    });
    const files = await call(sim, "/api/v2/files", { scanRef });
    expect(files.json!["BACK"]).toBeNull();
    const image = await fetch(str(files.json!["FRONT"]));
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await image.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
  });

  it.each(["/api/v2/status", "/api/v2/data", "/api/v2/files", "/api/v2/delete"])(
    "%s answers BAD_VALUE for an unknown scanRef and MISSING_VALUE without one",
    async (path) => {
      const unknown = await call(sim, path, { scanRef: "5b1e0f7a-2c3d-11ee-9a41-0242ac120002" });
      expect(unknown.status).toBe(400);
      expect(unknown.json).toEqual(expectedError("BAD_VALUE"));
      const missing = await call(sim, path, {});
      expect(missing.json).toEqual(expectedError("MISSING_VALUE"));
      const wrongType = await call(sim, path, { scanRef: 7 });
      expect(wrongType.json).toEqual(expectedError("BAD_VALUE"));
    },
  );
});

describe("token expiry and POST /api/v2/delete", () => {
  it("refuses to delete before the token expires, with the documented PARTNER_ERROR", async () => {
    const { scanRef } = await newSession();
    const response = await call(sim, "/api/v2/delete", { scanRef });
    expect(response.status).toBe(400);
    expect(response.json).toEqual(expectedError("PARTNER_ERROR", "Token has not expired yet."));
  });

  it("expires an unused token into EXPIRED, then deletes it as EXPIRED-DELETED", async () => {
    const { scanRef } = await newSession();
    sim.control.expire(scanRef);
    expect((await call(sim, "/api/v2/status", { scanRef })).json!["status"]).toBe("EXPIRED");
    const deleted = await call(sim, "/api/v2/delete", { scanRef });
    expect(deleted.status).toBe(200);
    expect(deleted.text).toBe("");
    expect((await call(sim, "/api/v2/status", { scanRef })).json!["status"]).toBe("EXPIRED-DELETED");
  });

  it("keeps a finished result on expiry, and deleting it removes data and files", async () => {
    const { scanRef, authToken } = await newSession();
    await call(sim, "/api/v2/process", processBody(authToken));
    sim.control.expire(scanRef);
    expect((await call(sim, "/api/v2/status", { scanRef })).json!["status"]).toBe("APPROVED");
    expect((await call(sim, "/api/v2/delete", { scanRef })).status).toBe(200);
    const status = await call(sim, "/api/v2/status", { scanRef });
    expect(status.json).toMatchObject({ status: "DELETED", autoFace: "FACE_MATCH" });
    expect((await call(sim, "/api/v2/data", { scanRef })).json).toMatchObject({
      docFirstName: null,
      scanRef,
    });
    expect((await call(sim, "/api/v2/files", { scanRef })).json!["FRONT"]).toBeNull();
  });

  it("expires tokens by the clock too (expiryTime elapsed)", async () => {
    const { scanRef, authToken } = await newSession({ expiryTime: 1 });
    const stored = sim.control.verification(scanRef) as { expiresAt: number };
    expect(stored.expiresAt).toBeGreaterThan(0);
    // Wait for the one-second expiry rather than faking the clock: the server reads Date.now().
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await call(sim, "/api/v2/process", processBody(authToken))).json).toEqual(
      expectedError("TOKEN_NOT_VALID"),
    );
    expect((await call(sim, "/api/v2/status", { scanRef })).json!["status"]).toBe("EXPIRED");
  });

  it("reports an unknown scanRef to control.expire", () => {
    expect(sim.control.expire("nope")).toBe(false);
    expect(sim.control.verification("nope")).toBeUndefined();
  });
});
