import { DynamoDBClient, DynamoDBServiceException } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createAlertStateStore } from "../../lib/aws/alert-state";
import { createDeliveryStore } from "../../lib/aws/delivery-store";
import { createSessionStore } from "../../lib/aws/session-store";
import { createStateTable } from "../../lib/aws/state-table";

// Failures dynalite cannot produce, injected at the document client.
const ddb = mockClient(DynamoDBDocumentClient);
afterAll(() => {
  ddb.restore();
});
beforeEach(() => {
  ddb.reset();
});

const table = createStateTable({ client: new DynamoDBClient({ region: "eu-west-1" }), tableName: "state" });
const sessions = createSessionStore({ table });
const deliveries = createDeliveryStore({ table });
const alerts = createAlertStateStore({ table });
const now = Date.parse("2030-01-01T00:00:00Z");

const failure = (name: string, status: number) =>
  new DynamoDBServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
    message: `${name} from DynamoDB`,
  });

const cases = [
  ["ThrottlingException", 400, true],
  ["ProvisionedThroughputExceededException", 400, true],
  ["AccessDeniedException", 400, false],
  ["ResourceNotFoundException", 400, false],
  ["InternalServerError", 500, true],
] as const;

describe.each(cases)("%s", (code, status, retryable) => {
  const expected = { kind: "aws", service: "dynamodb", code, retryable };

  it("surfaces from every session-store operation", async () => {
    ddb.onAnyCommand().rejects(failure(code, status));
    expect(
      (await sessions.claim("r", { leaseMs: 1000, fingerprint: "fp-1", now }))._unsafeUnwrapErr(),
    ).toMatchObject({
      ...expected,
      operation: "PutItem",
    });
    expect(
      (
        await sessions.saveSession(
          "r",
          { scanRef: "s", authToken: "t", redirectUrl: "u", expiresAt: "e", clientId: "c" },
          1,
          "claim-1",
        )
      )._unsafeUnwrapErr(),
    ).toMatchObject({
      ...expected,
      operation: "UpdateItem",
    });
    expect((await sessions.release("r", "claim-1"))._unsafeUnwrapErr()).toMatchObject({
      ...expected,
      operation: "DeleteItem",
    });
    expect((await sessions.markPublished("r"))._unsafeUnwrapErr()).toMatchObject({
      ...expected,
      operation: "UpdateItem",
    });
  });

  it("surfaces from the delivery store and the alert state", async () => {
    ddb.onAnyCommand().rejects(failure(code, status));
    expect((await deliveries.claim("k"))._unsafeUnwrapErr()).toMatchObject({
      ...expected,
      operation: "PutItem",
    });
    expect((await deliveries.markDelivered("k", 60))._unsafeUnwrapErr()).toMatchObject({
      ...expected,
      operation: "PutItem",
    });
    expect(
      (await alerts.recordOccurrence("markid.unavailable", { windowSeconds: 60, now }))._unsafeUnwrapErr(),
    ).toMatchObject(expected);
    expect((await alerts.resolve("markid.unavailable", { now }))._unsafeUnwrapErr()).toMatchObject({
      ...expected,
      operation: "GetItem",
    });
    expect((await alerts.isFiring("markid.unavailable", { now }))._unsafeUnwrapErr()).toMatchObject(expected);
    expect((await alerts.undoFire("markid.unavailable", "x"))._unsafeUnwrapErr()).toMatchObject(expected);
    expect((await alerts.undoResolve("markid.unavailable", "x"))._unsafeUnwrapErr()).toMatchObject(expected);
  });
});

describe("a failure after a refused conditional write", () => {
  it("claim returns the read's failure", async () => {
    ddb.on(PutCommand).rejects(failure("ConditionalCheckFailedException", 400));
    ddb.on(GetCommand).rejects(failure("ThrottlingException", 400));
    expect(
      (await sessions.claim("r", { leaseMs: 1000, fingerprint: "fp-1", now }))._unsafeUnwrapErr(),
    ).toMatchObject({
      operation: "GetItem",
      code: "ThrottlingException",
    });
  });

  it("recordOccurrence returns the fold's failure", async () => {
    ddb
      .on(UpdateCommand)
      .rejectsOnce(failure("ConditionalCheckFailedException", 400))
      .rejects(failure("AccessDeniedException", 400));
    expect(
      (await alerts.recordOccurrence("markid.unavailable", { windowSeconds: 60, now }))._unsafeUnwrapErr(),
    ).toMatchObject({
      operation: "UpdateItem",
      code: "AccessDeniedException",
    });
  });

  it("release reports a non-conditional failure", async () => {
    ddb.on(DeleteCommand).rejects(failure("ThrottlingException", 400));
    expect((await sessions.release("r", "claim-1"))._unsafeUnwrapErr().code).toBe("ThrottlingException");
  });
});
