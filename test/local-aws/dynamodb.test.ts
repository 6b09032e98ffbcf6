import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueName, useLocalAws } from "./local-aws-fixture";

const local = useLocalAws();
let client: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let tableName: string;

beforeAll(async () => {
  client = new DynamoDBClient(local.config);
  documents = DynamoDBDocumentClient.from(client);
  tableName = uniqueName("state");
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
});

describe("local DynamoDB through the gateway", () => {
  it("creates an on-demand table that is ACTIVE at once", async () => {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(described.Table?.TableStatus).toBe("ACTIVE");
    expect(described.Table?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
    expect(described.Table?.KeySchema).toEqual([{ AttributeName: "pk", KeyType: "HASH" }]);
  });

  it("puts and gets items with the document client", async () => {
    await documents.send(
      new PutCommand({ TableName: tableName, Item: { pk: "session#r-1", scanRef: "s-1", count: 2 } }),
    );
    const got = await documents.send(new GetCommand({ TableName: tableName, Key: { pk: "session#r-1" } }));
    expect(got.Item).toEqual({ pk: "session#r-1", scanRef: "s-1", count: 2 });
  });

  it("refuses a conditional put on an existing key with ConditionalCheckFailedException", async () => {
    const put = () =>
      documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: "delivery#d-1" },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    await put();
    const before = local.aws.calls("dynamodb", "PutItem");
    await expect(put()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    expect(local.aws.calls("dynamodb", "PutItem")).toBe(before + 1);
  });

  it("applies conditional updates (the alert window's compare-and-set)", async () => {
    await documents.send(new PutCommand({ TableName: tableName, Item: { pk: "alert#x", count: 1 } }));
    const updated = await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: "alert#x" },
        UpdateExpression: "SET #c = #c + :one",
        ConditionExpression: "#c = :expected",
        ExpressionAttributeNames: { "#c": "count" },
        ExpressionAttributeValues: { ":one": 1, ":expected": 1 },
        ReturnValues: "ALL_NEW",
      }),
    );
    expect(updated.Attributes).toEqual({ pk: "alert#x", count: 2 });
    await expect(
      documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: "alert#x" },
          UpdateExpression: "SET #c = #c + :one",
          ConditionExpression: "#c = :expected",
          ExpressionAttributeNames: { "#c": "count" },
          ExpressionAttributeValues: { ":one": 1, ":expected": 1 },
        }),
      ),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });
});
