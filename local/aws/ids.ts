import { randomUUID } from "node:crypto";

/** The account every local resource lives in; the same id LocalStack uses, so ARNs look familiar. */
export const LOCAL_ACCOUNT_ID = "000000000000";

/** The services the gateway serves, named as in their ARNs and signing scopes. */
export type ServiceName = "secretsmanager" | "sns" | "sqs" | "dynamodb";

export function localArn(service: ServiceName, region: string, resource: string): string {
  return `arn:aws:${service}:${region}:${LOCAL_ACCOUNT_ID}:${resource}`;
}

export function newRequestId(): string {
  return randomUUID();
}
