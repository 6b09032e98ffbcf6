import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll } from "vitest";
import dynalite from "dynalite";
import type { AddressInfo } from "node:net";
import { createStateTable, stateTableDefinition, type StateTable } from "../../../lib/aws/state-table";

export interface LocalDynamo {
  readonly client: DynamoDBClient;
  readonly endpoint: string;
  /** A fresh, empty state table: each test gets its own, so tests share nothing. */
  newTable(): Promise<StateTable>;
  close(): Promise<void>;
}

let tables = 0;

/** dynalite on 127.0.0.1, a random port; real conditional writes, in memory. */
export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "eu-west-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  return {
    client,
    endpoint,
    async newTable() {
      tables += 1;
      const tableName = `state-${tables}`;
      await client.send(new CreateTableCommand(stateTableDefinition(tableName)));
      return createStateTable({ client, tableName });
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/**
 * One dynalite for the test file: started before its tests, closed after them. Call at the top
 * level; the returned function gives the running instance inside tests.
 */
export function useDynalite(): () => LocalDynamo {
  let dynamo: LocalDynamo | undefined;
  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo?.close();
  });
  return () => {
    if (dynamo === undefined)
      throw new Error("useDynalite(): dynalite is not running (used outside a test?)");
    return dynamo;
  };
}
