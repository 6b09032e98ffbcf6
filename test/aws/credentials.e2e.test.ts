import { PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { afterEach, describe, expect, it } from "vitest";
import { createCredentialsProvider } from "../../lib/aws/credentials";
import { useLocalAws } from "./support/local-aws";

/* The real Secrets Manager SDK client, through the local gateway, behind the credentials provider. */

const local = useLocalAws();
const v1 = { apiKey: "key-one", apiSecret: "secret-one", webhookSigningKey: "signing-one" };
const v2 = { apiKey: "key-two", apiSecret: "secret-two", webhookSigningKey: "signing-two" };

afterEach(() => {
  local.aws.faults.clear();
});

describe("credentials through the local Secrets Manager", () => {
  it("sees a rotation on refresh, not before: changed is true and the new key is served", async () => {
    const secretId = await local.createSecret(v1);
    const { secretsManager } = local.clients();
    const provider = createCredentialsProvider({ client: secretsManager, secretId });

    expect((await provider.get())._unsafeUnwrap()).toEqual(v1);
    await secretsManager.send(
      new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(v2) }),
    );
    expect((await provider.get())._unsafeUnwrap()).toEqual(v1); // cached until the TTL or a refresh

    expect((await provider.refresh())._unsafeUnwrap()).toEqual({ secret: v2, changed: true });
    expect((await provider.get())._unsafeUnwrap()).toEqual(v2);
    expect((await provider.refresh())._unsafeUnwrap().changed).toBe(false);
  });

  it("sends exactly one GetSecretValue for 100 concurrent refreshes", async () => {
    const secretId = await local.createSecret(v1);
    const provider = createCredentialsProvider({ client: local.clients().secretsManager, secretId });
    const before = local.aws.calls("secretsmanager", "GetSecretValue");

    const results = await Promise.all(Array.from({ length: 100 }, () => provider.refresh()));

    expect(results.every((r) => r.isOk() && r.value.secret.apiKey === "key-one")).toBe(true);
    expect(local.aws.calls("secretsmanager", "GetSecretValue") - before).toBe(1);
  });

  it("reports throttling, after the SDK's own retries, as a transient AwsError", async () => {
    const secretId = await local.createSecret(v1);
    const provider = createCredentialsProvider({ client: local.clients(2).secretsManager, secretId });
    local.aws.faults.inject({ service: "secretsmanager", operation: "GetSecretValue", error: "throttling" });
    const before = local.aws.calls("secretsmanager", "GetSecretValue");

    expect((await provider.get())._unsafeUnwrapErr()).toMatchObject({
      kind: "aws",
      service: "secretsmanager",
      operation: "GetSecretValue",
      code: "ThrottlingException",
      retryable: true,
    });
    expect(local.aws.calls("secretsmanager", "GetSecretValue") - before).toBe(2);

    local.aws.faults.clear();
    expect((await provider.get())._unsafeUnwrap()).toEqual(v1);
  });

  it("rides over a transient failure thanks to the SDK's retry", async () => {
    const secretId = await local.createSecret(v1);
    const provider = createCredentialsProvider({ client: local.clients(3).secretsManager, secretId });
    local.aws.faults.inject({
      service: "secretsmanager",
      operation: "GetSecretValue",
      error: "reset",
      count: 1,
    });
    expect((await provider.get())._unsafeUnwrap()).toEqual(v1);
  });

  it("reports a missing secret as ResourceNotFoundException, not retryable, without retries", async () => {
    const provider = createCredentialsProvider({
      client: local.clients(3).secretsManager,
      secretId: "no-such-secret",
    });
    const before = local.aws.calls("secretsmanager", "GetSecretValue");
    expect((await provider.get())._unsafeUnwrapErr()).toMatchObject({
      kind: "aws",
      code: "ResourceNotFoundException",
      retryable: false,
    });
    expect(local.aws.calls("secretsmanager", "GetSecretValue") - before).toBe(1);
  });

  it("reports denied access as AccessDeniedException", async () => {
    const secretId = await local.createSecret(v1);
    local.aws.faults.inject({
      service: "secretsmanager",
      operation: "GetSecretValue",
      error: "access-denied",
    });
    const provider = createCredentialsProvider({ client: local.clients().secretsManager, secretId });
    expect((await provider.get())._unsafeUnwrapErr()).toMatchObject({
      code: "AccessDeniedException",
      retryable: false,
    });
  });

  it("names the missing field of a malformed stored secret, not its values", async () => {
    const secretId = await local.createSecret({ apiKey: "key-one", apiSecret: "secret-one" });
    const provider = createCredentialsProvider({ client: local.clients().secretsManager, secretId });
    const error = (await provider.get())._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: "secret-malformed", fields: ["webhookSigningKey"] });
    expect(JSON.stringify(error)).not.toMatch(/key-one|secret-one/);
  });
});
