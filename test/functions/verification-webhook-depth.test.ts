import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createVerificationWebhookHandler, type WebhookHandler } from "../../functions/verification-webhook";
import { signWebhookBody } from "../../lib/markid/webhook-signature";
import { webhookEvent } from "../support/api-gateway-event";
import { lambdaContext } from "../support/lambda-context";
import { useStack } from "../support/stack";

/*
 * Nothing a validly signed body holds makes the webhook throw: bodies nested thousands of levels
 * deep (which once overflowed the stack when the event was serialised, on every resend) and bodies
 * wide with keys, through the real handler and local AWS.
 */

const stack = useStack();
const KEY = "depth-test-key";
let handle: WebhookHandler;

beforeAll(() => {
  const secretName = `markid/webhook-depth-${process.pid}`;
  stack().aws.secrets.put(
    secretName,
    JSON.stringify({ apiKey: "k", apiSecret: "s", webhookSigningKey: KEY }),
  );
  const deps = stack().newContainer({ env: { MARKID_SECRET_ID: secretName } });
  handle = createVerificationWebhookHandler(() => deps);
});

/** `levels` of arrays and objects, alternating, around a leaf, as JSON text (too deep to stringify). */
function nestedJson(levels: number): string {
  const opens = Array.from({ length: levels }, (_, level) => (level % 2 === 0 ? "[" : '{"v":'));
  const closes = Array.from({ length: levels }, (_, level) => (level % 2 === 0 ? "]" : "}")).reverse();
  return `${opens.join("")}"leaf"${closes.join("")}`;
}

function resultWith(dataJson: string): string {
  const head = JSON.stringify({
    clientId: "c",
    scanRef: `scan-${randomUUID()}`,
    final: true,
    status: { overall: "APPROVED" },
  });
  return `${head.slice(0, -1)},"data":${dataJson}}`;
}

async function post(body: string): Promise<number> {
  const reply = await handle(
    webhookEvent(body, { "Idenfy-Signature": signWebhookBody(body, KEY) }),
    lambdaContext(),
  );
  return reply.statusCode ?? 0;
}

describe("a signed body, however deep or wide", () => {
  it("is refused with 400 past 64 levels and accepted up to them", async () => {
    // The result object is level 1 and `data` starts level 2.
    expect(await post(resultWith(nestedJson(63)))).toBe(200);
    expect(await post(resultWith(nestedJson(64)))).toBe(400);
    expect(await post(resultWith(nestedJson(5_000)))).toBe(400);
  });

  it("never makes the handler throw: 200 or 400, by depth", async () => {
    const shape = fc.record({
      levels: fc.oneof(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 80, max: 20_000 })),
      width: fc.integer({ min: 0, max: 2_000 }),
    });
    await fc.assert(
      fc.asyncProperty(shape, async ({ levels, width }) => {
        const wide = JSON.stringify(
          Object.fromEntries(Array.from({ length: width }, (_, i) => [`k${i}`, i])),
        );
        const status = await post(resultWith(`{"wide":${wide},"deep":${nestedJson(levels)}}`));
        // data (level 2) holds `deep` at level 3 when it is an array or object.
        const depth = levels === 0 ? 2 : 2 + levels;
        expect(status).toBe(depth > 64 ? 400 : 200);
      }),
      { numRuns: 25 },
    );
  });
});
