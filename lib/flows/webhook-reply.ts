import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { WebhookOutcome } from "./verification-webhook";

/**
 * The HTTP reply for a webhook outcome. Bodies name the outcome only, never what was received.
 * A 5xx makes Mark ID resend; a 4xx tells it resending cannot help.
 */
export function webhookReply(
  outcome: WebhookOutcome | { readonly kind: "deadline" },
): APIGatewayProxyStructuredResultV2 {
  switch (outcome.kind) {
    case "accepted":
      return json(200, { status: "accepted" });
    case "notification":
      return json(200, { status: "accepted" });
    case "unavailable":
    case "deadline":
      return json(503, { error: "temporarily unavailable" });
    case "rejected":
      switch (outcome.reason) {
        case "body-too-large":
          return json(413, { error: "payload too large" });
        case "signature-missing":
        case "signature-mismatch":
          return json(401, { error: "invalid signature" });
        case "malformed-body":
        case "too-deep":
        case "invalid-payload":
          return json(400, { error: "malformed payload" });
      }
  }
}

function json(statusCode: number, body: Readonly<Record<string, string>>): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
    body: JSON.stringify(body),
  };
}
