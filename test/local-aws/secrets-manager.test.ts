import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueName, useLocalAws } from "./local-aws-fixture";

const local = useLocalAws();
let client: SecretsManagerClient;

beforeAll(() => {
  client = new SecretsManagerClient(local.config);
});

async function createSecret(value = '{"apiKey":"k"}') {
  const name = uniqueName("markid/credentials");
  const created = await client.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  return { name, arn: created.ARN!, versionId: created.VersionId! };
}

describe("local Secrets Manager", () => {
  it("creates a secret and reads it back by name, ARN and partial ARN", async () => {
    const { name, arn, versionId } = await createSecret('{"apiKey":"key-1"}');
    expect(arn).toMatch(
      new RegExp(`^arn:aws:secretsmanager:eu-west-1:000000000000:secret:${name}-[A-Za-z0-9]{6}$`),
    );

    for (const secretId of [name, arn, arn.slice(0, -7)]) {
      const got = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      expect(got).toMatchObject({
        ARN: arn,
        Name: name,
        VersionId: versionId,
        SecretString: '{"apiKey":"key-1"}',
      });
      expect(got.VersionStages).toEqual(["AWSCURRENT"]);
      expect(got.CreatedDate).toBeInstanceOf(Date);
    }
  });

  it("moves AWSCURRENT to a new version on PutSecretValue and keeps the old one as AWSPREVIOUS", async () => {
    const { name, versionId: first } = await createSecret('{"v":1}');
    const put = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: '{"v":2}' }));
    expect(put.VersionId).not.toBe(first);
    expect(put.VersionStages).toEqual(["AWSCURRENT"]);

    const current = await client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(current).toMatchObject({ VersionId: put.VersionId, SecretString: '{"v":2}' });
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: name, VersionStage: "AWSPREVIOUS" }),
    );
    expect(previous).toMatchObject({
      VersionId: first,
      SecretString: '{"v":1}',
      VersionStages: ["AWSPREVIOUS"],
    });

    const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.VersionIdsToStages).toEqual({
      [first]: ["AWSPREVIOUS"],
      [put.VersionId!]: ["AWSCURRENT"],
    });
  });

  it("treats a repeated ClientRequestToken as a retry, and a different value under it as a conflict", async () => {
    const { name } = await createSecret();
    const token = "0123456789abcdef0123456789abcdef";
    const once = await client.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: "a", ClientRequestToken: token }),
    );
    const again = await client.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: "a", ClientRequestToken: token }),
    );
    expect(again.VersionId).toBe(once.VersionId);
    await expect(
      client.send(
        new PutSecretValueCommand({ SecretId: name, SecretString: "b", ClientRequestToken: token }),
      ),
    ).rejects.toBeInstanceOf(ResourceExistsException);
  });

  it("answers an unknown secret with the SDK's ResourceNotFoundException", async () => {
    const error: unknown = await client
      .send(new GetSecretValueCommand({ SecretId: "no-such-secret" }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as ResourceNotFoundException).$metadata.httpStatusCode).toBe(400);
    expect((error as Error).message).toBe("Secrets Manager can't find the specified secret.");
  });

  it("refuses to create a secret twice", async () => {
    const { name } = await createSecret();
    await expect(
      client.send(new CreateSecretCommand({ Name: name, SecretString: "x" })),
    ).rejects.toBeInstanceOf(ResourceExistsException);
  });

  it("refuses reads of a secret scheduled for deletion until it is restored; force-deletes at once", async () => {
    const { name } = await createSecret("v");
    await client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    await expect(client.send(new GetSecretValueCommand({ SecretId: name }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
    await client.send(new RestoreSecretCommand({ SecretId: name }));
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe("v");

    await client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    await expect(client.send(new GetSecretValueCommand({ SecretId: name }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it("lets tests rotate a secret directly and count the reads", async () => {
    const { name, arn } = await createSecret('{"apiKey":"old"}');
    const rotated = local.aws.secrets.put(name, '{"apiKey":"new"}');
    expect(rotated.arn).toBe(arn);
    expect(local.aws.secrets.current(arn)).toMatchObject({
      versionId: rotated.versionId,
      secretString: '{"apiKey":"new"}',
    });

    const before = local.aws.calls("secretsmanager", "GetSecretValue");
    const got = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    expect(got.SecretString).toBe('{"apiKey":"new"}');
    expect(local.aws.calls("secretsmanager", "GetSecretValue")).toBe(before + 1);
  });
});
