import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toHttpApiEvent } from "../../local/stack/http-api-event";
import { fromHttpApiResult } from "../../local/stack/http-api-result";
import { startHttpApiServer, type HttpApiServer } from "../../local/stack/http-api-server";

// The webhook's HTTP API stand-in with a fake handler: the payload-2.0 event it builds and how it
// turns results back into replies.

let server: HttpApiServer;
let calls: { event: APIGatewayProxyEventV2; context: Context }[] = [];
let reply: (event: APIGatewayProxyEventV2) => Promise<unknown> = () => Promise.resolve({ statusCode: 200 });

beforeAll(async () => {
  server = await startHttpApiServer({
    host: "127.0.0.1",
    port: 0,
    region: "eu-west-1",
    stage: "test",
    routes: [
      {
        method: "POST",
        path: "/markid/webhook",
        fn: { name: "verificationWebhook", timeoutSeconds: 10, memoryMb: 256 },
        handler: (event, context) => {
          calls.push({ event, context });
          return reply(event);
        },
      },
    ],
  });
});
afterAll(() => server.close());

/** A raw request, so header case and duplicates reach the server exactly as written. */
function send(
  path: string,
  body: Buffer,
  headers: [string, string][] = [],
  method = "POST",
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.url);
    const req = request(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    for (const [name, value] of headers) req.appendHeader(name, value);
    req.on("error", reject);
    req.end(body);
  });
}

function lastEvent(): APIGatewayProxyEventV2 {
  return calls.at(-1)!.event;
}

describe("HTTP API adapter (payload format 2.0)", () => {
  it("builds the v2 event: lower-cased headers, duplicates joined, body as text, request context", async () => {
    calls = [];
    const body = Buffer.from('{"scanRef":"s-1","final":true,"name":"Zoë"}');
    await send("/markid/webhook?x=1&x=2&y=3", body, [
      ["Content-Type", "application/json"],
      ["Idenfy-Signature", "abc123"],
      ["X-Forwarded-For", "10.0.0.1"],
      ["X-Forwarded-For", "10.0.0.2"],
    ]);
    expect(calls).toHaveLength(1);
    const event = lastEvent();
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "POST /markid/webhook",
      rawPath: "/markid/webhook",
      rawQueryString: "x=1&x=2&y=3",
      queryStringParameters: { x: "1,2", y: "3" },
      isBase64Encoded: false,
      body: body.toString("utf8"),
      requestContext: {
        http: { method: "POST", path: "/markid/webhook", protocol: "HTTP/1.1", sourceIp: "127.0.0.1" },
        routeKey: "POST /markid/webhook",
        stage: "$default",
        accountId: "000000000000",
      },
    });
    expect(event.headers).toMatchObject({
      "content-type": "application/json",
      "idenfy-signature": "abc123",
      "x-forwarded-for": "10.0.0.1,10.0.0.2",
    });
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(60_000);
  });

  it("base64-encodes a body that is not UTF-8, byte for byte", async () => {
    calls = [];
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x80, 0x7d]);
    await send("/markid/webhook", bytes, [["Content-Type", "application/octet-stream"]]);
    const event = lastEvent();
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, "base64").equals(bytes)).toBe(true);
  });

  it("passes a context whose deadline is the function's timeout", async () => {
    calls = [];
    await send("/markid/webhook", Buffer.from("{}"));
    const { context } = calls[0]!;
    expect(context.functionName).toContain("verificationWebhook");
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(10_000);
    expect(context.awsRequestId).not.toBe("");
  });

  it("replies with the structured result: status, headers, body", async () => {
    reply = () =>
      Promise.resolve({
        statusCode: 401,
        headers: { "Content-Type": "application/json" },
        body: '{"error":"bad signature"}',
      });
    const res = await send("/markid/webhook", Buffer.from("{}"));
    expect(res.status).toBe(401);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.body.toString()).toBe('{"error":"bad signature"}');
  });

  it("decodes a base64 result body and infers 200 JSON for a result without statusCode", async () => {
    reply = () =>
      Promise.resolve({
        statusCode: 200,
        isBase64Encoded: true,
        body: Buffer.from([1, 2, 3]).toString("base64"),
      });
    expect((await send("/markid/webhook", Buffer.from("{}"))).body).toEqual(Buffer.from([1, 2, 3]));
    reply = () => Promise.resolve({ accepted: true });
    const inferred = await send("/markid/webhook", Buffer.from("{}"));
    expect(inferred.status).toBe(200);
    expect(inferred.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(inferred.body.toString())).toEqual({ accepted: true });
  });

  it("answers 500 when the function throws, 404 for another route without invoking it", async () => {
    reply = () => Promise.reject(new Error("crash"));
    const crashed = await send("/markid/webhook", Buffer.from("{}"));
    expect(crashed.status).toBe(500);
    expect(JSON.parse(crashed.body.toString())).toEqual({ message: "Internal Server Error" });

    calls = [];
    expect((await send("/other", Buffer.from("{}"))).status).toBe(404);
    expect((await send("/markid/webhook", Buffer.alloc(0), [], "GET")).status).toBe(404);
    expect(calls).toHaveLength(0);
  });
});

describe("toHttpApiEvent", () => {
  const route = { routeKey: "POST /markid/webhook", apiId: "local", accountId: "000000000000" };
  const base = { method: "POST", url: "/markid/webhook", sourceIp: "127.0.0.1" };

  it("moves cookies to `cookies`, omits an empty body, and keeps a BOM so the bytes round-trip", () => {
    const withCookies = toHttpApiEvent(
      { ...base, rawHeaders: ["Cookie", "a=1; b=2", "Host", "example.test"], body: Buffer.alloc(0) },
      route,
    );
    expect(withCookies.cookies).toEqual(["a=1", "b=2"]);
    expect(withCookies.headers["cookie"]).toBeUndefined();
    expect(withCookies.body).toBeUndefined();
    expect(withCookies.isBase64Encoded).toBe(false);
    expect(withCookies.queryStringParameters).toBeUndefined();
    expect(withCookies.requestContext.domainName).toBe("example.test");

    const bom = Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]);
    const event = toHttpApiEvent({ ...base, rawHeaders: [], body: bom }, route);
    expect(Buffer.from(event.body!, "utf8").equals(bom)).toBe(true);
  });

  it("base64-encodes a content-encoded body even when it happens to be valid UTF-8", () => {
    const event = toHttpApiEvent(
      { ...base, rawHeaders: ["Content-Encoding", "gzip"], body: Buffer.from("plain") },
      route,
    );
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, "base64").toString()).toBe("plain");
  });
});

describe("fromHttpApiResult", () => {
  it("refuses a structured result API Gateway could not send", () => {
    expect(fromHttpApiResult({ statusCode: "200" }).status).toBe(500);
    expect(fromHttpApiResult({ statusCode: 200, body: { not: "a string" } }).status).toBe(500);
    expect(fromHttpApiResult({ statusCode: 204 }).status).toBe(204);
  });

  it("turns cookies into Set-Cookie headers", () => {
    expect(fromHttpApiResult({ statusCode: 200, cookies: ["a=1", "b=2"] }).headers["set-cookie"]).toEqual([
      "a=1",
      "b=2",
    ]);
  });
});
