import { ResourceNotFoundException, SecretsManagerServiceException } from "@aws-sdk/client-secrets-manager";
import { describe, expect, it } from "vitest";
import {
  describeAwsError,
  fromAwsPromise,
  isConditionalCheckFailed,
  toAwsError,
} from "../../lib/aws/aws-error";

const serviceError = (name: string, status: number, message = `${name} happened`) =>
  new SecretsManagerServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
    message,
  });

describe("toAwsError", () => {
  it("keeps the SDK exception name as the code and marks throttling retryable", () => {
    const error = toAwsError(
      "secretsmanager",
      "GetSecretValue",
      serviceError("ThrottlingException", 400, "Rate exceeded"),
    );
    expect(error).toEqual({
      kind: "aws",
      service: "secretsmanager",
      operation: "GetSecretValue",
      code: "ThrottlingException",
      retryable: true,
      message: "Rate exceeded",
    });
  });

  it("marks a missing resource and a denied permission as needing a person", () => {
    const missing = new ResourceNotFoundException({
      $metadata: { httpStatusCode: 400 },
      message: "Secrets Manager can't find the specified secret.",
    });
    expect(toAwsError("secretsmanager", "GetSecretValue", missing)).toMatchObject({
      code: "ResourceNotFoundException",
      retryable: false,
    });
    expect(toAwsError("sns", "Publish", serviceError("AccessDeniedException", 400))).toMatchObject({
      code: "AccessDeniedException",
      retryable: false,
    });
    expect(toAwsError("sns", "Publish", serviceError("AuthorizationError", 403))).toMatchObject({
      code: "AuthorizationError",
      retryable: false,
    });
  });

  it("marks 5xx and provisioned-throughput errors retryable", () => {
    expect(toAwsError("dynamodb", "PutItem", serviceError("InternalServerError", 500)).retryable).toBe(true);
    expect(
      toAwsError("dynamodb", "PutItem", serviceError("ProvisionedThroughputExceededException", 400))
        .retryable,
    ).toBe(true);
  });

  it("reports a connection failure as NetworkingError with the system code in the message", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(toAwsError("sns", "Publish", refused)).toMatchObject({
      code: "NetworkingError",
      retryable: true,
      message: "connect ECONNREFUSED 127.0.0.1:1",
    });
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(toAwsError("sns", "Publish", reset).message).toBe("ECONNRESET: socket hang up");
  });

  it("handles SDK timeouts, aborts and values that are not errors", () => {
    const timeout = Object.assign(new Error("Connection timed out after 5000 ms"), { name: "TimeoutError" });
    expect(toAwsError("sns", "Publish", timeout)).toMatchObject({ code: "TimeoutError", retryable: true });
    const abort = Object.assign(new Error("aborted"), { name: "AbortError" });
    expect(toAwsError("sns", "Publish", abort)).toMatchObject({ code: "AbortError", retryable: false });
    expect(toAwsError("sns", "Publish", "boom")).toMatchObject({
      code: "Unknown",
      retryable: false,
      message: "Unknown",
    });
  });

  it("bounds the message and keeps it on one line", () => {
    const error = toAwsError(
      "dynamodb",
      "PutItem",
      serviceError("ValidationException", 400, `line one\nline two ${"x".repeat(1000)}`),
    );
    expect(error.message.length).toBeLessThanOrEqual(300);
    expect(error.message).not.toMatch(/\n/);
  });
});

describe("fromAwsPromise", () => {
  it("passes a value through", async () => {
    const result = await fromAwsPromise("sns", "Publish", Promise.resolve(42));
    expect(result._unsafeUnwrap()).toBe(42);
  });

  it("turns a rejection into an error value", async () => {
    const result = await fromAwsPromise(
      "sns",
      "Publish",
      Promise.reject(serviceError("ThrottlingException", 400)),
    );
    expect(result._unsafeUnwrapErr()).toMatchObject({
      kind: "aws",
      service: "sns",
      operation: "Publish",
      code: "ThrottlingException",
    });
  });

  it("catches a synchronous throw from a lazy call", async () => {
    const result = await fromAwsPromise("dynamodb", "GetItem", () => {
      throw serviceError("ResourceNotFoundException", 400);
    });
    expect(result._unsafeUnwrapErr().code).toBe("ResourceNotFoundException");
  });
});

describe("helpers", () => {
  it("recognises a refused conditional write and describes errors on one line", () => {
    const conflict = toAwsError(
      "dynamodb",
      "PutItem",
      serviceError("ConditionalCheckFailedException", 400, "The conditional request failed"),
    );
    expect(isConditionalCheckFailed(conflict)).toBe(true);
    expect(
      isConditionalCheckFailed(toAwsError("dynamodb", "PutItem", serviceError("ValidationException", 400))),
    ).toBe(false);
    expect(
      describeAwsError(
        toAwsError("sns", "Publish", serviceError("ThrottlingException", 400, "Rate exceeded")),
      ),
    ).toBe("sns Publish failed: ThrottlingException (transient): Rate exceeded");
  });
});
