import fc from "fast-check";
import { okAsync } from "neverthrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../lib/config";
import { parseVerificationRequest, MAX_REQUEST_ID_LENGTH } from "../../lib/flows/start-verification/request";
import { decide } from "../../lib/resilience/policy";
import { createMarkIdClient } from "../../lib/markid/client";
import { KNOWN_IDENTIFIERS } from "../../lib/markid/identifiers";
import { parseVerificationResult, parseWebhookBody } from "../../lib/markid/webhook-payload";
import { signWebhookBody, verifyWebhookSignature } from "../../lib/markid/webhook-signature";
import { startStubServer, type StubServer } from "../markid/support/stub-server";

/*
 * The properties issue 6 names, where the existing suites left them open (test/markid,
 * test/flows, test/config.test.ts already show that the decoder, the verifier and the parsers
 * never throw on arbitrary input): here each parser is also held to an oracle — it accepts exactly
 * what is valid and answers everything else with its typed error, naming fields but never echoing
 * values — and the error decoder is run end to end, over loopback HTTP, behind the real client.
 */

/** A value that must never come back in an error (it stands for personal data or a secret). */
const MARKER = "qzxMARKER7731";

describe("error decoder, end to end: the client over a loopback server answering anything", () => {
  let stub: StubServer;
  beforeAll(async () => {
    stub = await startStubServer();
  });
  afterAll(() => stub.close());

  const errorBody = fc.oneof(
    fc.record({
      identifier: fc.oneof(fc.constantFrom(...KNOWN_IDENTIFIERS), fc.string({ maxLength: 30 })),
      message: fc.oneof(fc.string({ maxLength: 60 }), fc.integer(), fc.constant(null)),
      severity: fc.constantFrom("SEVERE", "NOT_SEVERE"),
    }),
    fc.jsonValue({ maxDepth: 3 }),
  );
  const reply = fc.record({
    // 407 is left out: the Fetch standard turns it into a network error before any of our code sees
    // the reply (Node's fetch does), so it cannot carry its status (seen as a rare seed failing here).
    status: fc.oneof(
      fc.integer({ min: 200, max: 599 }).filter((status) => status !== 407),
      fc.constantFrom(200, 201, 400, 401, 402, 429, 502),
    ),
    contentType: fc.constantFrom("application/json", "text/html", "text/plain", ""),
    body: fc.oneof(
      errorBody.map((value) => Buffer.from(JSON.stringify(value))),
      errorBody.map((value) => {
        const text = JSON.stringify(value);
        return Buffer.from(text.slice(0, Math.floor(text.length / 2)));
      }),
      fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)),
      fc.constant(Buffer.from("<html><body><h1>502 Bad Gateway</h1></body></html>")),
    ),
    retryAfter: fc.option(fc.oneof(fc.nat({ max: 100 }).map(String), fc.string({ maxLength: 10 })), {
      nil: undefined,
    }),
  });

  it("never rejects: a token, or a typed error carrying the reply's status, that the policy decides", async () => {
    const client = createMarkIdClient({
      baseUrl: stub.url,
      credentials: () => okAsync({ apiKey: "k", apiSecret: MARKER }),
      timeoutMs: 2000,
    });
    const kinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(reply, async ({ status, contentType, body, retryAfter }) => {
        stub.handle((_call, res) => {
          const headers: Record<string, string> = contentType === "" ? {} : { "content-type": contentType };
          if (retryAfter !== undefined && /^[\x20-\x7e]*$/.test(retryAfter))
            headers["retry-after"] = retryAfter;
          res.writeHead(status, headers).end(body);
        });
        const settled = await client.createToken({ clientId: "c" }).match(
          (token) => ({ ok: true as const, token }),
          (error) => ({ ok: false as const, error }),
        );
        if (settled.ok) {
          expect(status >= 200 && status <= 299).toBe(true);
          expect(settled.token.authToken.length).toBeGreaterThan(0);
          return;
        }
        const { error } = settled;
        kinds.add(error.kind);
        if (status >= 300) {
          expect(["api", "unknown-identifier", "http"]).toContain(error.kind);
          expect(error).toHaveProperty("status", status);
        } else {
          expect(["schema-mismatch", "http", "api", "unknown-identifier"]).toContain(error.kind);
        }
        expect(decide(error).action).toEqual(expect.any(String));
        expect(JSON.stringify(error)).not.toContain(MARKER);
      }),
      { numRuns: 150 },
    );
    // Not vacuous: replies were decoded into more than one kind of error.
    expect(kinds.size).toBeGreaterThanOrEqual(3);
  });
});

describe("webhook signature verifier", () => {
  const hexDigit = fc.constantFrom(..."0123456789abcdef");

  it("never accepts a valid signature with any one hex digit changed, cut or extended", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.nat({ max: 63 }),
        hexDigit,
        fc.constantFrom("change", "cut", "extend", "upper"),
        (bytes, key, index, digit, mutation) => {
          const valid = signWebhookBody(bytes, key);
          const mutated =
            mutation === "change"
              ? `${valid.slice(0, index)}${digit}${valid.slice(index + 1)}`
              : mutation === "cut"
                ? valid.slice(0, index)
                : mutation === "extend"
                  ? `${valid}${digit}`
                  : valid.toUpperCase();
          const sameDigest = mutated.toLowerCase() === valid;
          expect(verifyWebhookSignature(bytes, mutated, key)).toBe(sameDigest);
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** The webhook's contract (§4.1): only scanRef, clientId, final and status.overall are required. */
function isValidResult(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const status = v["status"];
  const nonEmpty = (x: unknown) => typeof x === "string" && x.length > 0;
  return (
    nonEmpty(v["scanRef"]) &&
    (nonEmpty(v["clientId"]) || (typeof v["clientId"] === "number" && Number.isFinite(v["clientId"]))) &&
    // Absent on older platforms, and then final (design.md §4.1).
    (v["final"] === undefined || typeof v["final"] === "boolean") &&
    typeof status === "object" &&
    status !== null &&
    !Array.isArray(status) &&
    nonEmpty((status as Record<string, unknown>)["overall"])
  );
}

describe("webhook payload parser", () => {
  const anyValue = fc.oneof(fc.constant(MARKER), fc.jsonValue({ maxDepth: 2 }));
  const resultLike = fc.record(
    {
      scanRef: fc.oneof(fc.string({ maxLength: 12 }), anyValue),
      clientId: fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), anyValue),
      final: fc.oneof(fc.boolean(), anyValue),
      status: fc.oneof(
        fc.record(
          {
            overall: fc.oneof(fc.constantFrom("APPROVED", "DENIED", "", MARKER), anyValue),
            fraudTags: anyValue,
            autoFace: anyValue,
          },
          { requiredKeys: [] },
        ),
        anyValue,
      ),
      data: fc.oneof(fc.record({ docFirstName: fc.constant(MARKER) }), anyValue),
      startTime: anyValue,
    },
    { requiredKeys: [] },
  );

  it("accepts exactly the results the contract allows; anything else is a typed error without values", () => {
    fc.assert(
      fc.property(fc.oneof(resultLike, fc.jsonValue({ maxDepth: 3 })), (value) => {
        const result = parseWebhookBody(Buffer.from(JSON.stringify(value)));
        expect(result.isOk()).toBe(isValidResult(value));
        if (result.isErr()) {
          expect(result.error.kind).toBe("invalid-payload");
          if (result.error.kind === "invalid-payload") expect(result.error.issues.length).toBeGreaterThan(0);
          expect(JSON.stringify(result.error)).not.toContain(MARKER);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("answers any bytes that are not a UTF-8 JSON object with a typed error, never a throw", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
          fc.string({ maxLength: 300 }).map((text) => Buffer.from(`${text}${MARKER}`)),
        ),
        (bytes) => {
          const result = parseWebhookBody(bytes);
          let json: unknown;
          try {
            json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
          } catch {
            expect(result._unsafeUnwrapErr().kind).toBe("malformed-body");
            return;
          }
          expect(result.isOk()).toBe(isValidResult(json));
          if (result.isErr()) expect(JSON.stringify(result.error)).not.toContain(MARKER);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("answers an object that throws when read with a typed error", () => {
    const hostile = [
      Object.defineProperty({}, "scanRef", {
        enumerable: true,
        get() {
          throw new Error(MARKER);
        },
      }),
      new Proxy(
        {},
        {
          get() {
            throw new Error(MARKER);
          },
          ownKeys() {
            throw new Error(MARKER);
          },
        },
      ),
    ];
    for (const value of hostile) {
      const error = parseVerificationResult(value)._unsafeUnwrapErr();
      expect(error.kind).toBe("invalid-payload");
      expect(JSON.stringify(error)).not.toContain(MARKER);
    }
  });
});

describe("SQS body parser", () => {
  type Bad = readonly [field: "requestId" | "clientId", value: unknown];
  const badRequestId = fc.oneof(
    fc.constant(undefined),
    fc.constant(""),
    fc.integer(),
    fc.constant(null),
    fc.constant([MARKER]),
    fc.constant(`${MARKER}${"x".repeat(MAX_REQUEST_ID_LENGTH)}`),
  );
  const badClientId = fc.oneof(
    fc.constant(undefined),
    fc.integer(),
    fc.constant(null),
    fc.constant({ MARKER }),
  );
  const bad: fc.Arbitrary<Bad> = fc.oneof(
    badRequestId.map((value): Bad => ["requestId", value]),
    badClientId.map((value): Bad => ["clientId", value]),
  );

  it("refuses every body whose requestId or clientId is missing or invalid, naming the field, never its value", () => {
    fc.assert(
      fc.property(
        bad,
        fc.dictionary(fc.constantFrom("locale", "firstName", "x"), fc.jsonValue({ maxDepth: 2 })),
        ([field, value], extra) => {
          const body: Record<string, unknown> = {
            ...extra,
            requestId: `req-${MARKER}`,
            clientId: `client-${MARKER}`,
            firstName: MARKER,
          };
          if (value === undefined) delete body[field];
          else body[field] = value;
          const error = parseVerificationRequest(JSON.stringify(body))._unsafeUnwrapErr();
          expect(error.kind).toBe("invalid-verification-request");
          expect(error.issues.map((issue) => issue.path)).toContain(field);
          expect(JSON.stringify(error.issues)).not.toContain(MARKER);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("answers any text that is not a JSON object with a typed error at the root", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 200 }).map((text) => `${text}${MARKER}`),
          fc
            .jsonValue({ maxDepth: 2 })
            .filter((v) => typeof v !== "object" || v === null || Array.isArray(v))
            .map((v) => JSON.stringify(v)),
        ),
        (body) => {
          let isObject = false;
          try {
            const json: unknown = JSON.parse(body);
            isObject = typeof json === "object" && json !== null && !Array.isArray(json);
          } catch {
            isObject = false;
          }
          fc.pre(!isObject);
          const error = parseVerificationRequest(body)._unsafeUnwrapErr();
          expect(error.issues.map((issue) => issue.path)).toEqual(["(root)"]);
          expect(JSON.stringify(error)).not.toContain(MARKER);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("configuration parser", () => {
  const REQUIRED = ["MARKID_SECRET_ID", "EVENTS_TOPIC_ARN", "ALERTS_TOPIC_ARN", "STATE_TABLE"] as const;
  const POSITIVE_INTEGERS = [
    "ALERT_WINDOW_SECONDS",
    "MARKID_TIMEOUT_MS",
    "MARKID_MAX_CONTAINERS",
    "CREDENTIALS_CACHE_TTL_SECONDS",
    "RETRY_MAX_ATTEMPTS",
    "RETRY_BASE_DELAY_MS",
    "RETRY_RATE_LIMITED_BASE_DELAY_MS",
    "RETRY_MAX_DELAY_MS",
    "RETRY_BUDGET",
    "BATCH_CONCURRENCY",
    "WEBHOOK_MAX_BODY_BYTES",
  ] as const;
  const invalidNumber = fc.oneof(
    fc.constant(MARKER),
    fc.constant(`${MARKER}42`),
    fc.nat({ max: 1000 }).map((n) => `-${n + 1}`),
    fc.constant("0"),
    fc.nat({ max: 1000 }).map((n) => `${n}.5`),
  );
  const validNumber = fc.integer({ min: 1, max: 1_000_000 }).map(String);

  it("is an error exactly when a variable is missing or invalid, naming each one and echoing none", () => {
    fc.assert(
      fc.property(
        fc.subarray([...REQUIRED]),
        fc.dictionary(fc.constantFrom(...POSITIVE_INTEGERS), fc.oneof(validNumber, invalidNumber)),
        fc.option(fc.constantFrom("redeliver", "fail", MARKER), { nil: undefined }),
        (missing, numbers, unknownOutcome) => {
          const env: Record<string, string> = { ...numbers };
          for (const name of REQUIRED) if (!missing.includes(name)) env[name] = `value-of-${name}`;
          if (unknownOutcome !== undefined) env["MARKID_TOKEN_UNKNOWN_OUTCOME"] = unknownOutcome;
          const invalid = [
            ...missing,
            ...Object.entries(numbers)
              .filter(([, value]) => !(Number.isInteger(Number(value)) && Number(value) > 0))
              .map(([name]) => name),
            ...(unknownOutcome === MARKER ? ["MARKID_TOKEN_UNKNOWN_OUTCOME"] : []),
          ];
          const result = parseConfig(env);
          if (invalid.length === 0) {
            expect(result.isOk()).toBe(true);
            return;
          }
          const error = result._unsafeUnwrapErr();
          expect(error.kind).toBe("config-invalid");
          expect(error.problems.map((problem) => problem.split(" ")[0]).sort()).toEqual([...invalid].sort());
          expect(error.message).not.toContain(MARKER);
        },
      ),
      { numRuns: 500 },
    );
  });
});
