import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { CreateTopicCommand } from "@aws-sdk/client-sns";
import { afterAll, beforeAll } from "vitest";
import { createAwsClients, type AwsClients } from "../../../lib/aws/clients";
import { stateTableDefinition } from "../../../lib/aws/state-table";
import { localAwsClientConfig, startLocalAws, type LocalAws } from "../../../local/aws/index";

export interface LocalAwsHarness {
  readonly aws: LocalAws;
  /** Clients made by the project's own factory, pointed at the gateway. */
  clients(maxAttempts?: number): AwsClients;
  createSecret(value: object): Promise<string>;
  createTopic(): Promise<string>;
  createTable(): Promise<string>;
}

let names = 0;
const unique = (prefix: string) => `${prefix}-${++names}-${Math.random().toString(36).slice(2, 8)}`;

/** One local AWS gateway (Secrets Manager, SNS, DynamoDB via dynalite) per test file, on a random loopback port. */
export function useLocalAws(): LocalAwsHarness {
  let aws: LocalAws | undefined;
  const made: AwsClients[] = [];
  beforeAll(async () => {
    aws = await startLocalAws({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    for (const c of made) for (const client of [c.secretsManager, c.sns, c.dynamodb]) client.destroy();
    await aws?.close();
  });
  const started = () => {
    if (aws === undefined) throw new Error("local AWS not started yet");
    return aws;
  };
  const clients = (maxAttempts = 3) => {
    const c = createAwsClients({ ...localAwsClientConfig(started().url, started().region), maxAttempts });
    made.push(c);
    return c;
  };
  return {
    get aws() {
      return started();
    },
    clients,
    async createSecret(value) {
      const name = unique("markid");
      await clients().secretsManager.send(
        new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }),
      );
      return name;
    },
    async createTopic() {
      const { TopicArn } = await clients().sns.send(new CreateTopicCommand({ Name: unique("topic") }));
      return TopicArn!;
    },
    async createTable() {
      const name = unique("state");
      await clients().dynamodb.send(new CreateTableCommand(stateTableDefinition(name)));
      return name;
    },
  };
}
