import {
  CreateSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { uniqueName, useLocalAws } from "./local-aws-fixture";

/*
 * The functions build their SDK clients without an endpoint option; AWS_ENDPOINT_URL (read by
 * the SDK itself) is what points them at the local gateway or at LocalStack.
 */

const local = useLocalAws();
const saved = {
  AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL,
  AWS_ENDPOINT_URL_SQS: process.env.AWS_ENDPOINT_URL_SQS,
};

afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const credentials = { accessKeyId: "local", secretAccessKey: "local" };

describe("AWS_ENDPOINT_URL", () => {
  it("routes a client built without an endpoint option to the gateway", async () => {
    const name = uniqueName("from-env");
    await new SecretsManagerClient(local.config).send(
      new CreateSecretCommand({ Name: name, SecretString: "via env" }),
    );
    process.env.AWS_ENDPOINT_URL = local.aws.url;
    const before = local.aws.calls("secretsmanager", "GetSecretValue");

    const client = new SecretsManagerClient({ region: local.aws.region, credentials });
    const got = await client.send(new GetSecretValueCommand({ SecretId: name }));

    expect(got.SecretString).toBe("via env");
    expect(local.aws.calls("secretsmanager", "GetSecretValue")).toBe(before + 1);
  });

  it("honours the per-service variable too", async () => {
    delete process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL_SQS = local.aws.url;
    const name = uniqueName("from-service-env");

    const created = await new SQSClient({ region: local.aws.region, credentials }).send(
      new CreateQueueCommand({ QueueName: name }),
    );

    expect(created.QueueUrl).toBe(`${local.aws.url}/000000000000/${name}`);
    expect(local.aws.sqs.queues().map((q) => q.name)).toContain(name);
  });
});
