import { SQSClient } from "@aws-sdk/client-sqs";
import { awsClientConfig, type AwsClientSettings } from "./clients";

/*
 * The SQS client lives apart from awsClients(): only the functions that send to the results queue
 * (the webhook, the reconciler) create one, so the other bundles carry no SQS client and their
 * cold init loads none (bench/cold-init.ts). The queue consumers receive their records from
 * Lambda's event source mapping and need no client.
 */
let containerClient: SQSClient | undefined;

/** The container's SQS client, created on first use and reused (keep-alive connections). */
export function sqsClient(settings: AwsClientSettings = {}): SQSClient {
  containerClient ??= new SQSClient(awsClientConfig(settings));
  return containerClient;
}
