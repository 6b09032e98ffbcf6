import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { loaded as base } from "./library-floor";

/*
 * The floor of the functions that send to the results queue (the webhook, the reconciler): the
 * common floor plus the SQS client and the Query command they load. Measured against the common
 * floor alone, their figure would count a library's load as our code's.
 */
export const loaded = [...base, SQSClient, SendMessageCommand, QueryCommand];
