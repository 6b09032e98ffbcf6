import type { ServerResponse } from "node:http";
import type { AwsError } from "./aws-errors";

/**
 * How one JSON-protocol service frames its replies. The SDK picks the exception class from
 * `__type` (after the `#`), or for SQS — a query-compatible service — first from the
 * `x-amzn-query-error` header, so each service's errors are framed as that service frames them.
 */
export interface JsonProtocol {
  readonly contentType: string;
  errorBody(error: AwsError): Record<string, string>;
  errorHeaders(error: AwsError): Record<string, string>;
}

export const SECRETS_MANAGER_PROTOCOL: JsonProtocol = {
  contentType: "application/x-amz-json-1.1",
  errorBody: (error) => ({ __type: error.code, Message: error.message }),
  errorHeaders: () => ({}),
};

export const SQS_PROTOCOL: JsonProtocol = {
  contentType: "application/x-amz-json-1.0",
  errorBody: (error) => ({ __type: `com.amazonaws.sqs#${error.code}`, message: error.message }),
  errorHeaders: (error) => ({ "x-amzn-query-error": `${error.queryCode ?? error.code};${error.side}` }),
};

export const DYNAMODB_PROTOCOL: JsonProtocol = {
  contentType: "application/x-amz-json-1.0",
  errorBody: (error) => ({
    __type: `com.amazonaws.dynamodb.v20120810#${error.code}`,
    message: error.message,
  }),
  errorHeaders: () => ({}),
};

export function writeJsonReply(
  res: ServerResponse,
  protocol: JsonProtocol,
  requestId: string,
  body: unknown,
): void {
  const payload = JSON.stringify(body ?? {});
  res.writeHead(200, {
    "content-type": protocol.contentType,
    "content-length": Buffer.byteLength(payload),
    "x-amzn-requestid": requestId,
  });
  res.end(payload);
}

export function writeJsonError(
  res: ServerResponse,
  protocol: JsonProtocol,
  requestId: string,
  error: AwsError,
): void {
  const payload = JSON.stringify(protocol.errorBody(error));
  res.writeHead(error.status, {
    ...protocol.errorHeaders(error),
    "content-type": protocol.contentType,
    "content-length": Buffer.byteLength(payload),
    "x-amzn-requestid": requestId,
  });
  res.end(payload);
}
