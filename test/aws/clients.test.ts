import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { fromAwsPromise } from "../../lib/aws/aws-error";
import { awsClientConfig, awsClients, createAwsClients } from "../../lib/aws/clients";
import { defaultProvider } from "../../lib/aws/credential-chain";
import { startDynalite, type LocalDynamo } from "./support/dynalite";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };

let dynamo: LocalDynamo;
let failing: Server;
let failingUrl: string;
let failingHits = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
  // Answers every request with a DynamoDB-style 503, counting them: shows the SDK's own retries.
  failing = createServer((req, res) => {
    failingHits += 1;
    req.resume();
    res.writeHead(503, { "content-type": "application/x-amz-json-1.0" });
    res.end(
      JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#ServiceUnavailable", message: "try later" }),
    );
  });
  await new Promise<void>((resolve) => failing.listen(0, "127.0.0.1", resolve));
  failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await dynamo.close();
  await new Promise<void>((resolve) => failing.close(() => resolve()));
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("awsClientConfig", () => {
  it("passes only the settings given, plus request timeouts and the environment-first chain", () => {
    expect(awsClientConfig({ maxAttempts: 5 })).toEqual({
      requestHandler: { requestTimeout: 5000, throwOnRequestTimeout: true, connectionTimeout: 2000 },
      credentialDefaultProvider: defaultProvider,
      maxAttempts: 5,
    });
    expect(awsClientConfig({ requestTimeoutMs: 100, region: "eu-north-1" })).toEqual({
      requestHandler: { requestTimeout: 100, throwOnRequestTimeout: true, connectionTimeout: 2000 },
      credentialDefaultProvider: defaultProvider,
      region: "eu-north-1",
    });
  });
});

describe("createAwsClients", () => {
  it("applies maxAttempts to every client", async () => {
    const clients = createAwsClients({ maxAttempts: 7, region: "eu-west-1", credentials });
    expect(await clients.secretsManager.config.maxAttempts()).toBe(7);
    expect(await clients.sns.config.maxAttempts()).toBe(7);
    expect(await clients.dynamodb.config.maxAttempts()).toBe(7);
  });

  it("honours AWS_ENDPOINT_URL through the SDK's own resolution", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL", dynamo.endpoint);
    vi.stubEnv("AWS_REGION", "eu-west-1");
    const { dynamodb } = createAwsClients({ credentials });
    const result = await fromAwsPromise("dynamodb", "ListTables", dynamodb.send(new ListTablesCommand({})));
    expect(result.isOk()).toBe(true);
    dynamodb.destroy();
  });

  it("lets the SDK retry a transient failure maxAttempts times, then reports it as a value", async () => {
    failingHits = 0;
    const { dynamodb } = createAwsClients({
      maxAttempts: 2,
      endpoint: failingUrl,
      region: "eu-west-1",
      credentials,
    });
    const result = await fromAwsPromise("dynamodb", "ListTables", dynamodb.send(new ListTablesCommand({})));
    expect(failingHits).toBe(2);
    expect(result._unsafeUnwrapErr()).toMatchObject({
      service: "dynamodb",
      code: "ServiceUnavailable",
      retryable: true,
    });
    dynamodb.destroy();
  });
});

describe("awsClients", () => {
  it("creates the clients once per container", () => {
    vi.stubEnv("AWS_REGION", "eu-west-1");
    expect(awsClients()).toBe(awsClients({ maxAttempts: 9 }));
  });
});
