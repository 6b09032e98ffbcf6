import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { errAsync, okAsync } from "neverthrow";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { isUnauthorized } from "../../lib/markid/errors";
import type { MarkIdError } from "../../lib/markid/errors";
import { createTransport } from "../../lib/markid/transport";
import type { CredentialsSource, TransportOptions } from "../../lib/markid/transport";
import { failure } from "./support/results";
import { json, startStubServer } from "./support/stub-server";
import type { StubServer } from "./support/stub-server";

const API_KEY = "key-7f3a9c";
const API_SECRET = "secret-Zq81-never-log-me";
const BASIC = Buffer.from(`${API_KEY}:${API_SECRET}`).toString("base64");
const credentials: CredentialsSource = () => okAsync({ apiKey: API_KEY, apiSecret: API_SECRET });

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubServer();
});
afterAll(() => stub.close());

function transport(overrides: Partial<TransportOptions> = {}) {
  return createTransport({
    baseUrl: stub.url,
    credentials,
    timeoutMs: 2000,
    fetch: globalThis.fetch,
    ...overrides,
  });
}

function expectNoSecret(error: MarkIdError): void {
  const text = JSON.stringify(error);
  expect(text).not.toContain(API_KEY);
  expect(text).not.toContain(API_SECRET);
  expect(text).not.toContain(BASIC);
}

/** A fetch that fails like undici does: TypeError("fetch failed") caused by a system error. */
function failingFetch(cause: unknown): typeof fetch {
  return () => Promise.reject(new TypeError("fetch failed", { cause }));
}

const systemError = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code });

describe("transport", () => {
  it("sends Basic auth, JSON headers and the body to base URL + path", async () => {
    stub.handle((_call, res) => json(res, 201, { ok: true }));
    const result = await transport({ baseUrl: `${stub.url}/` }).send({
      method: "POST",
      path: "/api/v2/status",
      body: '{"a":1}',
    });
    expect(result.isOk()).toBe(true);
    const call = stub.calls.at(-1)!;
    expect(call.method).toBe("POST");
    expect(call.path).toBe("/api/v2/status");
    expect(call.headers.authorization).toBe(`Basic ${BASIC}`);
    expect(call.headers["content-type"]).toBe("application/json");
    expect(call.body).toBe('{"a":1}');
    expect(result._unsafeUnwrap().status).toBe(201);
    expect(new TextDecoder().decode(result._unsafeUnwrap().body)).toBe('{"ok":true}');
  });

  it("asks the credentials source on every call, so a rotation is picked up", async () => {
    stub.handle((_call, res) => json(res, 200, {}));
    let secret = "first";
    const rotating: CredentialsSource = () => okAsync({ apiKey: "k", apiSecret: secret });
    const t = transport({ credentials: rotating });
    (await t.send({ method: "POST", path: "/x", body: "{}" }))._unsafeUnwrap();
    secret = "second";
    (await t.send({ method: "POST", path: "/x", body: "{}" }))._unsafeUnwrap();
    const headers = stub.calls.slice(-2).map((call) => call.headers.authorization);
    expect(headers).toEqual([
      `Basic ${Buffer.from("k:first").toString("base64")}`,
      `Basic ${Buffer.from("k:second").toString("base64")}`,
    ]);
  });

  it("passes a credentials failure through and sends nothing", async () => {
    const fetchSpy = vi.fn<typeof fetch>();
    const error = await failure(
      transport({
        fetch: fetchSpy,
        credentials: () => errAsync({ kind: "credentials-unavailable", message: "secret not found" }),
      }).send({ method: "POST", path: "/x", body: "{}" }),
    );
    expect(error).toEqual({ kind: "credentials-unavailable", message: "secret not found" });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("turns a throwing credentials source into credentials-unavailable", async () => {
    const throwing: CredentialsSource = () => {
      throw new Error(`leaked ${API_SECRET}`);
    };
    const error = await failure(
      transport({ credentials: throwing }).send({ method: "POST", path: "/x", body: "{}" }),
    );
    expect(error.kind).toBe("credentials-unavailable");
    expectNoSecret(error);
  });

  it("gives a timeout when no reply arrives in time", async () => {
    stub.handle(() => {
      /* never answers */
    });
    const error = await failure(
      transport({ timeoutMs: 100 }).send({ method: "POST", path: "/slow", body: "{}" }),
    );
    expect(error).toEqual({ kind: "timeout", timeoutMs: 100 });
  });

  it("lets one call override the timeout", async () => {
    stub.handle(() => {
      /* never answers */
    });
    const error = await failure(
      transport({ timeoutMs: 60_000 }).send({ method: "POST", path: "/slow", body: "{}", timeoutMs: 50 }),
    );
    expect(error).toEqual({ kind: "timeout", timeoutMs: 50 });
  });

  it("gives a timeout when the body stalls after the headers", async () => {
    stub.handle((_call, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"partial":');
    });
    const error = await failure(
      transport({ timeoutMs: 150 }).send({ method: "POST", path: "/stall", body: "{}" }),
    );
    expect(error.kind).toBe("timeout");
  });

  it("reports a refused connection as network, known not sent", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(
      transport({ baseUrl: `http://127.0.0.1:${port}` }).send({ method: "POST", path: "/x", body: "{}" }),
    );
    expect(error).toMatchObject({ kind: "network", maybeSent: false });
    expect((error as { message: string }).message).toContain("ECONNREFUSED");
  });

  it("reports a reset as network, maybe sent", async () => {
    stub.handle((_call, res) => res.socket?.destroy());
    const error = await failure(transport().send({ method: "POST", path: "/reset", body: "{}" }));
    expect(error).toMatchObject({ kind: "network", maybeSent: true });
  });

  it("reports a reply cut mid-body as network, maybe sent", async () => {
    stub.handle((_call, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"scanRef":');
      setImmediate(() => res.socket?.destroy());
    });
    const error = await failure(transport().send({ method: "POST", path: "/cut", body: "{}" }));
    expect(error).toMatchObject({ kind: "network", maybeSent: true });
    expect((error as { message: string }).message).toContain("reply interrupted");
  });

  it.each([
    ["DNS failure", systemError("ENOTFOUND"), false],
    ["DNS temporary failure", systemError("EAI_AGAIN"), false],
    [
      "every address refused",
      new AggregateError([systemError("ECONNREFUSED"), systemError("ECONNREFUSED")]),
      false,
    ],
    [
      "one address refused, one reset",
      new AggregateError([systemError("ECONNREFUSED"), systemError("ECONNRESET")]),
      true,
    ],
    ["a reset", systemError("ECONNRESET"), true],
    ["a socket error", Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }), true],
    ["no code at all", new Error("mystery"), true],
  ])("classifies %s (maybeSent %s)", async (_label, cause, maybeSent) => {
    const error = await failure(
      transport({ fetch: failingFetch(cause) }).send({ method: "POST", path: "/x", body: "{}" }),
    );
    expect(error).toMatchObject({ kind: "network", maybeSent });
  });

  it("turns a synchronously throwing fetch into a network error", async () => {
    const throwing: typeof fetch = () => {
      throw new Error("sync");
    };
    const error = await failure(
      transport({ fetch: throwing }).send({ method: "POST", path: "/x", body: "{}" }),
    );
    expect(error).toMatchObject({ kind: "network", maybeSent: true });
  });

  it("reports a timeout signalled by the fetch implementation", async () => {
    const timingOut: typeof fetch = () =>
      Promise.reject(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
    const error = await failure(
      transport({ fetch: timingOut, timeoutMs: 1234 }).send({ method: "POST", path: "/x", body: "{}" }),
    );
    expect(error).toEqual({ kind: "timeout", timeoutMs: 1234 });
  });

  it("reports an unusable base URL as network, not sent", async () => {
    const error = await failure(
      transport({ baseUrl: "not a url" }).send({ method: "POST", path: "/x", body: "{}" }),
    );
    expect(error).toMatchObject({ kind: "network", maybeSent: false });
  });

  it("does not follow a redirect: it is an http error", async () => {
    stub.handle((_call, res) => res.writeHead(302, { location: "http://127.0.0.1:1/elsewhere" }).end());
    const error = await failure(transport().send({ method: "POST", path: "/moved", body: "{}" }));
    expect(error).toMatchObject({ kind: "http", status: 302 });
  });

  it("decodes non-2xx replies into errors (identifier, Retry-After)", async () => {
    stub.handle((_call, res) =>
      json(res, 429, { identifier: "TOO_MANY_REQUESTS", message: "slow" }, { "retry-after": "7" }),
    );
    const error = await failure(transport().send({ method: "POST", path: "/x", body: "{}" }));
    expect(error).toEqual({
      kind: "api",
      identifier: "TOO_MANY_REQUESTS",
      status: 429,
      message: "slow",
      retryAfterSeconds: 7,
    });
  });
});

describe("secrets never appear in error values", () => {
  it("keeps them out of an UNAUTHORIZED error", async () => {
    stub.handle((call, res) =>
      // A hostile or buggy server echoing the header back must not matter: we never put it there.
      json(
        res,
        400,
        { identifier: "UNAUTHORIZED", message: "API key/secret missing or invalid" },
        { "x-echo": call.headers.authorization ?? "" },
      ),
    );
    const error = await failure(transport().send({ method: "POST", path: "/x", body: "{}" }));
    expect(isUnauthorized(error)).toBe(true);
    expectNoSecret(error);
  });

  it("keeps them out of an identifier-less 401", async () => {
    stub.handle((_call, res) => json(res, 401, { message: "Invalid authorization credentials" }));
    const error = await failure(transport().send({ method: "POST", path: "/x", body: "{}" }));
    expect(isUnauthorized(error)).toBe(true);
    expectNoSecret(error);
  });

  it("keeps them out of a network error, even when the library's message quotes them", async () => {
    const leaky = failingFetch(
      Object.assign(new Error(`connect ECONNRESET Basic ${BASIC} ${API_SECRET}`), { code: "ECONNRESET" }),
    );
    const error = await failure(transport({ fetch: leaky }).send({ method: "POST", path: "/x", body: "{}" }));
    expect(error.kind).toBe("network");
    expectNoSecret(error);
  });

  it("keeps them out of a real reset", async () => {
    stub.handle((_call, res) => res.socket?.destroy());
    const error = await failure(transport().send({ method: "POST", path: "/x", body: "{}" }));
    expect(error.kind).toBe("network");
    expectNoSecret(error);
  });
});
