import type { APIGatewayProxyEventV2 } from "aws-lambda";

let requests = 0;

/**
 * An API Gateway HTTP API (payload v2) event for POST /markid/webhook, shaped as AWS delivers
 * it: header names lowercased unless `keepHeaderCase`, the body as text, or base64 when asked.
 */
export function webhookEvent(
  body: string | Uint8Array,
  headers: Readonly<Record<string, string>> = {},
  options: { readonly base64?: boolean; readonly keepHeaderCase?: boolean; readonly requestId?: string } = {},
): APIGatewayProxyEventV2 {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
  const requestId = options.requestId ?? `apigw-${process.pid}-${++requests}`;
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "POST /markid/webhook",
    rawPath: "/markid/webhook",
    rawQueryString: "",
    headers: Object.fromEntries(
      Object.entries({ "content-type": "application/json", ...headers }).map(([name, value]) => [
        options.keepHeaderCase === true ? name : name.toLowerCase(),
        value,
      ]),
    ),
    requestContext: {
      accountId: "000000000000",
      apiId: "localapi",
      domainName: "localapi.execute-api.eu-west-1.amazonaws.com",
      domainPrefix: "localapi",
      http: {
        method: "POST",
        path: "/markid/webhook",
        protocol: "HTTP/1.1",
        sourceIp: "127.0.0.1",
        userAgent: "test",
      },
      requestId,
      routeKey: "POST /markid/webhook",
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: options.base64 === true ? bytes.toString("base64") : bytes.toString("utf8"),
    isBase64Encoded: options.base64 === true,
  };
}
