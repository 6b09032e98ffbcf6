// PLACEHOLDER: lets `serverless package` and the infrastructure test run before the real handler
// exists. Replaced by the real handler; never deploy it. A 5xx makes Mark ID resend later.
import type { APIGatewayProxyResultV2 } from "aws-lambda";

export function handler(): Promise<APIGatewayProxyResultV2> {
  return Promise.resolve({
    statusCode: 501,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message: "not implemented" }),
  });
}
