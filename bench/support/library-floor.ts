import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ok } from "neverthrow";
import * as z from "zod/mini";

/*
 * The libraries the handlers load at init and nothing of ours: the AWS SDK clients and commands
 * they call, Powertools' logger and metrics constructed as lib/observability constructs them, its
 * batch processor, zod/mini with one schema, neverthrow. Built with the deployed esbuild settings,
 * its load is the floor under every handler's cold init (bench/cold-init.ts prints it beside each
 * figure), so a reader can tell how much of a miss is our code and how much the libraries'.
 */
export const loaded = [
  SNSClient,
  PublishCommand,
  SecretsManagerClient,
  GetSecretValueCommand,
  DynamoDBClient,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
  new Logger({ serviceName: "library-floor" }),
  new Metrics({ namespace: "LibraryFloor", serviceName: "library-floor" }),
  BatchProcessor,
  EventType,
  processPartialResponse,
  z.object({ id: z.string() }),
  ok,
];
