import { okAsync } from "neverthrow";
import type { ResultAsync } from "neverthrow";
import * as z from "zod";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createMarkIdClient, defineEndpoint, PROBE_SCAN_REF } from "../../lib/markid";
import type { CredentialsSource, MarkIdClient, MarkIdError } from "../../lib/markid";
import { failure, success } from "./support/results";
import { json, startStubServer } from "./support/stub-server";
import type { StubServer } from "./support/stub-server";

const credentials: CredentialsSource = () => okAsync({ apiKey: "k", apiSecret: "s" });
const SCAN_REF = "5b1e0f7a-2c3d-11ee-9a41-0242ac120002";

/** §3.3's example reply. */
const TOKEN_REPLY = {
  message: "Token created successfully",
  authToken: "Q7mXv2LpT9kR4sWn8ZbC1dYf6HjA3uEo0GtN5iKc",
  scanRef: SCAN_REF,
  clientId: "cust-4821",
  personScanRef: "cust-4821",
  firstName: null,
  lastName: null,
  successUrl: null,
  callbackUrl: null,
  locale: "lt",
  showInstructions: true,
  country: null,
  expiryTime: 86400,
  sessionLength: 1800,
  documents: ["PASSPORT"],
  allowedDocuments: { ALL: ["PASSPORT"] },
  tokenType: "IDENTIFICATION",
  externalRef: "order-77",
  digitString: null,
};

let stub: StubServer;
let client: MarkIdClient;
beforeAll(async () => {
  stub = await startStubServer();
  client = createMarkIdClient({ baseUrl: stub.url, credentials, timeoutMs: 2000 });
});
afterAll(() => stub.close());
beforeEach(() => {
  stub.calls.length = 0;
});

const lastBody = (): unknown => JSON.parse(stub.calls.at(-1)!.body);

describe("endpoints: success", () => {
  it.each([201, 200])(
    "createToken accepts a %i reply, posts the request and keeps unknown fields",
    async (status) => {
      stub.handle((_call, res) => json(res, status, { ...TOKEN_REPLY, brandNewField: { x: 1 } }));
      const reply = await success(
        client.createToken({
          clientId: "cust-4821",
          locale: "lt",
          documents: ["PASSPORT"],
          externalRef: "order-77",
        }),
      );
      expect(stub.calls.at(-1)!.path).toBe("/api/v2/token");
      expect(lastBody()).toEqual({
        clientId: "cust-4821",
        locale: "lt",
        documents: ["PASSPORT"],
        externalRef: "order-77",
      });
      expect(reply.authToken).toBe(TOKEN_REPLY.authToken);
      expect(reply.scanRef).toBe(SCAN_REF);
      expect(reply.expiryTime).toBe(86400);
      expect(reply).toHaveProperty("brandNewField", { x: 1 });
    },
  );

  it("createToken sends dummyStatus for a dummy session", async () => {
    stub.handle((_call, res) =>
      json(res, 201, { ...TOKEN_REPLY, message: "Dummy token and verification created successfully" }),
    );
    await success(client.createToken({ clientId: "c", dummyStatus: "APPROVED" }));
    expect(lastBody()).toEqual({ clientId: "c", dummyStatus: "APPROVED" });
  });

  it("createToken keeps a numeric clientId echo as a string", async () => {
    stub.handle((_call, res) => json(res, 201, { ...TOKEN_REPLY, clientId: 4821 }));
    expect((await success(client.createToken({ clientId: "4821" }))).clientId).toBe("4821");
  });

  it("addDummyStatus posts the manual result and accepts an empty 200", async () => {
    stub.handle((_call, res) => res.writeHead(200).end());
    const request = {
      scanRef: SCAN_REF,
      manualFaceMatchResult: "FACE_MATCH",
      manualDocumentValidity: "DOC_EXPIRED",
    } as const;
    await success(client.addDummyStatus(request));
    expect(stub.calls.at(-1)!.path).toBe("/api/v2/add-dummy-status");
    expect(lastBody()).toEqual(request);
  });

  it("processImages posts the images and accepts an empty 200", async () => {
    stub.handle((_call, res) => res.writeHead(200).end());
    const request = {
      authToken: "tok",
      country: "LT",
      documentType: "PASSPORT",
      images: { FRONT: "/9j/4AAQ", FACE: "/9j/4AAQ", BACK: null },
    } as const;
    await success(client.processImages(request));
    expect(stub.calls.at(-1)!.path).toBe("/api/v2/process");
    expect(lastBody()).toEqual(request);
  });

  it("an empty-reply endpoint ignores whatever body comes with the 200", async () => {
    stub.handle((_call, res) => res.writeHead(200, { "content-type": "text/plain" }).end("OK"));
    await success(client.deleteVerification(SCAN_REF));
  });

  it("getStatus keeps unknown status values and nulls", async () => {
    stub.handle((_call, res) =>
      json(res, 200, {
        status: "SOMETHING_NEW",
        autoDocument: "DOC_VALIDATED",
        autoFace: "FACE_BRAND_NEW",
        manualDocument: null,
        manualFace: "",
        fraudTags: ["DUPLICATE_FACE", "NEW_TAG"],
        mismatchTags: [],
        scanRef: SCAN_REF,
        clientId: "cust-4821",
      }),
    );
    const status = await success(client.getStatus(SCAN_REF));
    expect(stub.calls.at(-1)!.path).toBe("/api/v2/status");
    expect(lastBody()).toEqual({ scanRef: SCAN_REF });
    expect(status).toMatchObject({
      status: "SOMETHING_NEW",
      autoFace: "FACE_BRAND_NEW",
      manualDocument: null,
      manualFace: "",
      fraudTags: ["DUPLICATE_FACE", "NEW_TAG"],
    });
  });

  it("getData keeps placeholder values and unknown fields", async () => {
    stub.handle((_call, res) =>
      json(res, 200, {
        scanRef: SCAN_REF,
        clientId: 123,
        docExpiry: "YYYY-MM-DD",
        docSex: "UNDEFINED",
        docPatronymic: "X",
        duplicateFaces: null,
      }),
    );
    const data = await success(client.getData(SCAN_REF));
    expect(stub.calls.at(-1)!.path).toBe("/api/v2/data");
    expect(data).toMatchObject({
      clientId: "123",
      docExpiry: "YYYY-MM-DD",
      docSex: "UNDEFINED",
      docPatronymic: "X",
      duplicateFaces: null,
    });
  });

  it("getFiles reads an open map of nullable URLs", async () => {
    stub.handle((_call, res) =>
      json(res, 200, { FRONT: "https://f/front.png", BACK: null, UTILITY_BILL: "https://f/u.pdf" }),
    );
    const files = await success(client.getFiles(SCAN_REF));
    expect(stub.calls.at(-1)!.path).toBe("/api/v2/files");
    expect(files).toEqual({ FRONT: "https://f/front.png", BACK: null, UTILITY_BILL: "https://f/u.pdf" });
  });

  it("deleteVerification posts the scanRef", async () => {
    stub.handle((_call, res) => res.writeHead(200).end());
    await success(client.deleteVerification(SCAN_REF));
    expect(stub.calls.at(-1)!.path).toBe("/api/v2/delete");
    expect(lastBody()).toEqual({ scanRef: SCAN_REF });
  });
});

describe("endpoints: errors", () => {
  it("maps the documented delete failure (PARTNER_ERROR)", async () => {
    stub.handle((_call, res) =>
      json(res, 400, {
        message: "Token has not expired yet.",
        identifier: "PARTNER_ERROR",
        documentation: "",
        severity: "NOT_SEVERE",
      }),
    );
    expect(await failure(client.deleteVerification(SCAN_REF))).toEqual({
      kind: "api",
      identifier: "PARTNER_ERROR",
      status: 400,
      message: "Token has not expired yet.",
    });
  });

  it("gives a 2xx reply without a required field as schema-mismatch naming it, never the values", async () => {
    stub.handle((_call, res) =>
      json(res, 201, {
        ...TOKEN_REPLY,
        authToken: undefined,
        firstName: "RŪTA-PERSONAL",
        expiryTime: "soon",
      }),
    );
    const error = await failure(client.createToken({ clientId: "c" }));
    expect(error.kind).toBe("schema-mismatch");
    if (error.kind !== "schema-mismatch") return;
    expect(error.endpoint).toBe("/api/v2/token");
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(["authToken", "expiryTime"]);
    expect(JSON.stringify(error)).not.toContain("soon");
    expect(JSON.stringify(error)).not.toContain("RŪTA");
  });

  it("gives a 2xx reply that is not JSON as schema-mismatch", async () => {
    stub.handle((_call, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"APPR'),
    );
    expect(await failure(client.getStatus(SCAN_REF))).toEqual({
      kind: "schema-mismatch",
      endpoint: "/api/v2/status",
      issues: [{ path: "(root)", message: "reply is not valid JSON" }],
    });
  });

  it("passes Retry-After of a 429 through", async () => {
    stub.handle((_call, res) =>
      res.writeHead(429, { "retry-after": "12", "content-type": "text/plain" }).end("Too Many Requests"),
    );
    expect(await failure(client.getStatus(SCAN_REF))).toEqual({
      kind: "http",
      status: 429,
      bodyExcerpt: "Too Many Requests",
      retryAfterSeconds: 12,
    });
  });
});

describe("request validation", () => {
  it("refuses an invalid token request before sending, naming each field and never a value", async () => {
    const error = await failure(
      client.createToken({
        clientId: "x".repeat(101),
        firstName: "J0hn-Secret-Name",
        dateOfBirth: "1990-02-30",
        locale: "xx-xxxxx",
      }),
    );
    expect(stub.calls).toHaveLength(0);
    expect(error.kind).toBe("invalid-request");
    if (error.kind !== "invalid-request") return;
    expect(error.endpoint).toBe("/api/v2/token");
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      "clientId",
      "dateOfBirth",
      "firstName",
      "locale",
    ]);
    const text = JSON.stringify(error);
    expect(text).not.toContain("J0hn");
    expect(text).not.toContain("1990-02-30");
    expect(text).not.toContain("xxxx");
  });

  it("refuses a blank scanRef for the lookups before sending", async () => {
    const calls: ResultAsync<unknown, MarkIdError>[] = [
      client.getStatus(""),
      client.getData(""),
      client.getFiles(""),
      client.deleteVerification(""),
    ];
    for (const call of calls) {
      expect(await failure(call)).toMatchObject({ kind: "invalid-request", issues: [{ path: "scanRef" }] });
    }
    expect(stub.calls).toHaveLength(0);
  });

  it("does not read the credentials for a refused request", async () => {
    const source = vi.fn(credentials);
    const local = createMarkIdClient({ baseUrl: stub.url, credentials: source });
    await failure(local.getStatus(""));
    expect(source).not.toHaveBeenCalled();
  });
});

describe("probe", () => {
  it("posts the impossible scanRef to the given path and reports the 2xx status", async () => {
    stub.handle((_call, res) => json(res, 200, { status: "ACTIVE" }));
    expect(await success(client.probe("/api/v2/status"))).toEqual({ status: 200 });
    expect(stub.calls.at(-1)!.path).toBe("/api/v2/status");
    expect(lastBody()).toEqual({ scanRef: PROBE_SCAN_REF });
  });

  it("returns the raw error otherwise", async () => {
    stub.handle((_call, res) => json(res, 400, { identifier: "BAD_VALUE", message: "scanRef not found" }));
    expect(await failure(client.probe("/api/v2/status"))).toMatchObject({
      kind: "api",
      identifier: "BAD_VALUE",
    });
  });

  it.each([
    "/api/v2/token",
    "/API/V2/Token/",
    "/api/v2/./token",
    "/api/v2//token",
    "/api/v2/%74oken",
    "api/v2/status",
    "",
    "/api/v2/status?x=1",
  ])("refuses %j without sending anything", async (path) => {
    expect(await failure(client.probe(path))).toMatchObject({ kind: "invalid-request" });
    expect(stub.calls).toHaveLength(0);
  });
});

describe("defineEndpoint + call", () => {
  it("calls an endpoint defined elsewhere, here a GET without a body", async () => {
    const listUsers = defineEndpoint({
      path: "/api/v2/get-aml-users",
      method: "GET",
      request: undefined,
      response: z.looseObject({ users: z.array(z.looseObject({ monitoring_id: z.string() })) }),
    });
    stub.handle((_call, res) => json(res, 200, { users: [{ monitoring_id: "MX81K2Q9ZD", extra: true }] }));
    const reply = await success(client.call(listUsers, undefined));
    expect(stub.calls.at(-1)!.method).toBe("GET");
    expect(stub.calls.at(-1)!.body).toBe("");
    expect(reply.users[0]?.monitoring_id).toBe("MX81K2Q9ZD");
  });
});
