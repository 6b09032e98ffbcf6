import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { processVerificationWebhook, type WebhookOutcome } from "../lib/flows/verification-webhook";
import { reportWebhookOutcome } from "../lib/flows/verification-webhook-report";
import { createSigningKeySource, type SigningKeySource } from "../lib/flows/webhook-signing-key";
import { withInvocation } from "../lib/observability/invocation";
import { invocationCutoff } from "../lib/observability/invocation-cutoff";
import { logger } from "../lib/observability/logger";
import { dependencies, type Dependencies } from "../lib/runtime/dependencies";

/**
 * POST /markid/webhook (API Gateway HTTP API, payload v2): Mark ID's signed verification result,
 * or another signed notification (published as markid.notification).
 * 200 accepted or duplicate; 401 bad or missing signature; 400 malformed; 413 too large; 503 when
 * the result could not be recorded now (signing key unreadable, publish failed), so Mark ID resends.
 */
export type WebhookHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** The handler over a container's dependencies; tests pass their own container. */
export function createVerificationWebhookHandler(container: () => Dependencies): WebhookHandler {
  // Per container, like the dependencies: the re-read interval must outlive one invocation.
  const signingKeys = new WeakMap<Dependencies, SigningKeySource>();
  const signingKeyOf = (deps: Dependencies): SigningKeySource => {
    let source = signingKeys.get(deps);
    if (source === undefined) {
      source = createSigningKeySource({ credentials: deps.credentials, now: deps.now });
      signingKeys.set(deps, source);
    }
    return source;
  };

  return (event, context) =>
    withInvocation(
      "verification-webhook",
      context,
      event.requestContext?.requestId ?? context.awsRequestId,
      async () => {
        const deps = container();
        const processing = processVerificationWebhook(
          { body: event.body, isBase64Encoded: event.isBase64Encoded, headers: event.headers },
          {
            signingKey: signingKeyOf(deps),
            deliveries: deps.deliveries,
            notifier: deps.notifier,
            now: deps.now,
          },
          {
            maxBodyBytes: deps.config.WEBHOOK_MAX_BODY_BYTES,
            signatureHeader: deps.config.MARKID_SIGNATURE_HEADER,
          },
        ).match(
          (handled): WebhookOutcome => handled,
          (refused): WebhookOutcome => refused,
        );
        const cutoff = invocationCutoff(context);
        try {
          const outcome = await Promise.race([processing, cutoff.reached.then(() => "deadline" as const)]);
          if (outcome === "deadline") {
            // A call overran the invocation (an AWS call stalled up to the SDK's timeouts): 503
            // now rather than Lambda's timeout, so Mark ID resends; the delivery is marked done
            // only once its event is out, so the resend is processed again if this one never was.
            logger.error("webhook not finished before the invocation deadline (Mark ID will resend)");
            return json(503, { error: "temporarily unavailable" });
          }
          reportWebhookOutcome(outcome);
          return toReply(outcome);
        } finally {
          cutoff.cancel();
        }
      },
    );
}

export const handler: WebhookHandler = createVerificationWebhookHandler(dependencies);

/** The reply for an outcome; bodies name the outcome only, never what was received. */
export function toReply(outcome: WebhookOutcome): APIGatewayProxyStructuredResultV2 {
  switch (outcome.kind) {
    case "accepted":
    case "notification":
      return json(200, { status: "accepted" });
    case "duplicate":
      return json(200, { status: "duplicate" });
    case "unavailable":
      return json(503, { error: "temporarily unavailable" });
    case "rejected":
      switch (outcome.reason) {
        case "body-too-large":
          return json(413, { error: "payload too large" });
        case "signature-missing":
        case "signature-mismatch":
          return json(401, { error: "invalid signature" });
        case "malformed-body":
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
