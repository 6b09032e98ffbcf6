import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createCredentialsProvider,
  describeCredentialsError,
  toMarkIdCredentialsSource,
} from "../../lib/aws/credentials";
import { parseMarkIdSecret } from "../../lib/aws/markid-secret";

const sm = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: "eu-west-1" });

const secretV1 = { apiKey: "key-one", apiSecret: "secret-one", webhookSigningKey: "signing-one" };
const secretV2 = { apiKey: "key-two", apiSecret: "secret-two", webhookSigningKey: "signing-two" };
const reply = (secret: object, versionId?: string) => ({
  SecretString: JSON.stringify(secret),
  ...(versionId !== undefined ? { VersionId: versionId } : {}),
});
const serviceError = (name: string, message: string) =>
  new SecretsManagerServiceException({ name, $fault: "client", $metadata: { httpStatusCode: 400 }, message });

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

beforeEach(() => {
  sm.reset();
});

describe("get", () => {
  it("reads and validates the secret, then serves it from memory within the TTL", async () => {
    sm.on(GetSecretValueCommand).resolves(reply(secretV1, "v1"));
    const clock = manualClock();
    const provider = createCredentialsProvider({
      client,
      secretId: "markid",
      ttlSeconds: 60,
      now: clock.now,
    });

    expect((await provider.get())._unsafeUnwrap()).toEqual(secretV1);
    clock.advance(59_999);
    expect((await provider.get())._unsafeUnwrap()).toEqual(secretV1);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(sm.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: "markid" });
  });

  it("reads again once the TTL has passed", async () => {
    sm.on(GetSecretValueCommand).resolvesOnce(reply(secretV1, "v1")).resolves(reply(secretV2, "v2"));
    const clock = manualClock();
    const provider = createCredentialsProvider({
      client,
      secretId: "markid",
      ttlSeconds: 60,
      now: clock.now,
    });

    await provider.get();
    clock.advance(60_000);
    expect((await provider.get())._unsafeUnwrap()).toEqual(secretV2);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it("defaults to a 300 s TTL", async () => {
    sm.on(GetSecretValueCommand).resolves(reply(secretV1, "v1"));
    const clock = manualClock();
    const provider = createCredentialsProvider({ client, secretId: "markid", now: clock.now });
    await provider.get();
    clock.advance(299_000);
    await provider.get();
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    clock.advance(1_000);
    await provider.get();
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it("shares one GetSecretValue among 100 concurrent callers", async () => {
    sm.on(GetSecretValueCommand).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return reply(secretV1, "v1");
    });
    const provider = createCredentialsProvider({ client, secretId: "markid" });
    const results = await Promise.all(Array.from({ length: 100 }, () => provider.get()));
    expect(results.every((r) => r.isOk() && r.value.apiKey === "key-one")).toBe(true);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("does not cache a failure: the next caller reads again", async () => {
    sm.on(GetSecretValueCommand)
      .rejectsOnce(serviceError("ThrottlingException", "Rate exceeded"))
      .resolves(reply(secretV1, "v1"));
    const provider = createCredentialsProvider({ client, secretId: "markid" });
    expect((await provider.get())._unsafeUnwrapErr()).toMatchObject({
      kind: "aws",
      code: "ThrottlingException",
      retryable: true,
    });
    expect((await provider.get())._unsafeUnwrap()).toEqual(secretV1);
  });

  it.each([
    [
      "ResourceNotFoundException",
      new ResourceNotFoundException({
        $metadata: {},
        message: "Secrets Manager can't find the specified secret.",
      }),
      false,
    ],
    [
      "AccessDeniedException",
      serviceError("AccessDeniedException", "not authorized to perform secretsmanager:GetSecretValue"),
      false,
    ],
    ["ThrottlingException", serviceError("ThrottlingException", "Rate exceeded"), true],
  ])("maps %s to a typed AwsError", async (code, error, retryable) => {
    sm.on(GetSecretValueCommand).rejects(error);
    const provider = createCredentialsProvider({ client, secretId: "markid" });
    expect((await provider.get())._unsafeUnwrapErr()).toMatchObject({
      kind: "aws",
      service: "secretsmanager",
      operation: "GetSecretValue",
      code,
      retryable,
    });
  });
});

describe("refresh", () => {
  it("bypasses the cache", async () => {
    sm.on(GetSecretValueCommand).resolves(reply(secretV1, "v1"));
    const provider = createCredentialsProvider({ client, secretId: "markid" });
    await provider.get();
    await provider.refresh();
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it("shares one GetSecretValue among 100 concurrent refreshes", async () => {
    sm.on(GetSecretValueCommand)
      .resolvesOnce(reply(secretV1, "v1"))
      .callsFake(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return reply(secretV2, "v2");
      });
    const provider = createCredentialsProvider({ client, secretId: "markid" });
    await provider.get();
    const results = await Promise.all(Array.from({ length: 100 }, () => provider.refresh()));
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(results.every((r) => r.isOk() && r.value.changed && r.value.secret.apiKey === "key-two")).toBe(
      true,
    );
  });

  it("says changed when the version rotated, and the cache then serves the new secret", async () => {
    sm.on(GetSecretValueCommand).resolvesOnce(reply(secretV1, "v1")).resolves(reply(secretV2, "v2"));
    const provider = createCredentialsProvider({ client, secretId: "markid" });
    await provider.get();
    expect((await provider.refresh())._unsafeUnwrap()).toEqual({ secret: secretV2, changed: true });
    expect((await provider.get())._unsafeUnwrap()).toEqual(secretV2);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it("says unchanged when the version is the same", async () => {
    sm.on(GetSecretValueCommand).resolves(reply(secretV1, "v1"));
    const provider = createCredentialsProvider({ client, secretId: "markid" });
    await provider.get();
    expect((await provider.refresh())._unsafeUnwrap().changed).toBe(false);
  });

  it("compares the key pair when there is no version id", async () => {
    sm.on(GetSecretValueCommand)
      .resolvesOnce(reply(secretV1))
      .resolvesOnce(reply({ ...secretV1, webhookSigningKey: "other" }))
      .resolves(reply(secretV2));
    const provider = createCredentialsProvider({ client, secretId: "markid" });
    await provider.get();
    expect((await provider.refresh())._unsafeUnwrap().changed).toBe(false);
    expect((await provider.refresh())._unsafeUnwrap().changed).toBe(true);
  });

  it("judges changed against the key pair the caller used, when given", async () => {
    sm.on(GetSecretValueCommand).resolves(reply(secretV2, "v2"));
    const provider = createCredentialsProvider({ client, secretId: "markid" });
    await provider.get(); // the cache already holds v2, but this caller was rejected with v1
    const used = { apiKey: secretV1.apiKey, apiSecret: secretV1.apiSecret };
    expect((await provider.refresh(used))._unsafeUnwrap().changed).toBe(true);
    expect((await provider.refresh())._unsafeUnwrap().changed).toBe(false);
  });

  it("counts a first read as changed: nothing was held before", async () => {
    sm.on(GetSecretValueCommand).resolves(reply(secretV1, "v1"));
    const provider = createCredentialsProvider({ client, secretId: "markid" });
    expect((await provider.refresh())._unsafeUnwrap().changed).toBe(true);
  });
});

describe("malformed secrets", () => {
  it("names the missing field, never a value", async () => {
    sm.on(GetSecretValueCommand).resolves(reply({ apiKey: "key-one", apiSecret: "secret-one" }, "v1"));
    const provider = createCredentialsProvider({ client, secretId: "markid" });
    const error = (await provider.get())._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: "secret-malformed", fields: ["webhookSigningKey"] });
    const text = JSON.stringify(error) + describeCredentialsError(error);
    expect(text).not.toContain("key-one");
    expect(text).not.toContain("secret-one");
  });

  it("names fields of the wrong type or blank, without their values", () => {
    const error = parseMarkIdSecret(
      JSON.stringify({ apiKey: 12345, apiSecret: "   ", webhookSigningKey: "signing-one" }),
    )._unsafeUnwrapErr();
    expect(error.fields).toEqual(["apiKey", "apiSecret"]);
    expect(JSON.stringify(error)).not.toMatch(/12345|signing-one/);
  });

  it.each([
    ["not JSON", "apiKey=key-one;apiSecret=hunter2"],
    ["a JSON array", JSON.stringify(["key-one", "hunter2"])],
    ["a JSON string", JSON.stringify("hunter2")],
  ])("reports a SecretString that is %s, without quoting it", (_what, secretString) => {
    const error = parseMarkIdSecret(secretString)._unsafeUnwrapErr();
    expect(error.fields).toEqual(["apiKey", "apiSecret", "webhookSigningKey"]);
    expect(error.message).not.toContain("hunter2");
    expect(error.message).not.toContain("key-one");
  });

  it("reports a secret without SecretString (binary)", async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]), VersionId: "v1" });
    const provider = createCredentialsProvider({ client, secretId: "markid" });
    expect((await provider.get())._unsafeUnwrapErr()).toMatchObject({ kind: "secret-malformed" });
  });

  it("ignores extra fields", () => {
    expect(
      parseMarkIdSecret(JSON.stringify({ ...secretV1, note: "rotated by ops" }))._unsafeUnwrap(),
    ).toEqual(secretV1);
  });
});

describe("toMarkIdCredentialsSource", () => {
  it("gives the Mark ID client the key pair only", async () => {
    sm.on(GetSecretValueCommand).resolves(reply(secretV1, "v1"));
    const source = toMarkIdCredentialsSource(createCredentialsProvider({ client, secretId: "markid" }));
    expect((await source())._unsafeUnwrap()).toEqual({ apiKey: "key-one", apiSecret: "secret-one" });
  });

  it("maps failures to credentials-unavailable with a safe message", async () => {
    sm.on(GetSecretValueCommand)
      .rejectsOnce(serviceError("AccessDeniedException", "denied"))
      .resolves(reply({ apiKey: "key-one" }, "v1"));
    const source = toMarkIdCredentialsSource(createCredentialsProvider({ client, secretId: "markid" }));

    const denied = (await source())._unsafeUnwrapErr();
    expect(denied.kind).toBe("credentials-unavailable");
    expect(denied.kind === "credentials-unavailable" && denied.message).toContain("AccessDeniedException");

    const malformed = (await source())._unsafeUnwrapErr();
    expect(malformed.kind === "credentials-unavailable" && malformed.message).toContain(
      "apiSecret, webhookSigningKey",
    );
    expect(JSON.stringify(malformed)).not.toContain("key-one");
  });
});
