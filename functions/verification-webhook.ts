import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import {
  processVerificationWebhook,
  type WebhookFlowDependencies,
  type WebhookOutcome,
} from "../lib/flows/verification-webhook";
import { reportWebhookOutcome } from "../lib/flows/verification-webhook-report";
import { webhookReply } from "../lib/flows/webhook-reply";
import { createSigningKeySource, type SigningKeySourceOptions } from "../lib/flows/webhook-signing-key";
import type { Config } from "../lib/config";
import { verificationWebhookDependencies } from "../lib/runtime/dependencies";
import { lambdaHandler, type LambdaHandler } from "../lib/runtime/handler-frame";

/**
 * POST /markid/webhook (API Gateway HTTP API, payload v2): Mark ID's signed verification result,
 * or another signed notification. 200 once the delivery is on the results queue (a duplicate too:
 * publish-verification-result publishes each result once); 401 bad or missing signature; 400
 * malformed; 413 too large; 503 when it could not be queued now (signing key unreadable, the queue
 * refused, a call overran the invocation), so Mark ID resends.
 */
export type WebhookHandler = LambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

type Needs = Omit<WebhookFlowDependencies, "signingKey"> &
  Pick<SigningKeySourceOptions, "credentials"> & {
    readonly config: Pick<Config, "WEBHOOK_MAX_BODY_BYTES" | "MARKID_SIGNATURE_HEADER">;
    readonly now: () => number;
  };

/** The handler over given dependencies (tests pass their own). */
export function createVerificationWebhookHandler(dependencies: () => Needs): WebhookHandler {
  return lambdaHandler({
    name: "verification-webhook",
    container: () => {
      const deps = dependencies();
      // Per container: the signing key's re-read interval must outlive one invocation.
      const signingKey = createSigningKeySource({ credentials: deps.credentials, now: deps.now });
      return { deps, signingKey };
    },
    correlationId: (event: APIGatewayProxyEventV2) => event.requestContext?.requestId,
    run: async (event, { deps, signingKey }) => {
      const outcome = await processVerificationWebhook(
        { body: event.body, isBase64Encoded: event.isBase64Encoded, headers: event.headers },
        { signingKey, resultsQueue: deps.resultsQueue, now: deps.now },
        {
          maxBodyBytes: deps.config.WEBHOOK_MAX_BODY_BYTES,
          signatureHeader: deps.config.MARKID_SIGNATURE_HEADER,
        },
      ).match(
        (handled): WebhookOutcome => handled,
        (refused): WebhookOutcome => refused,
      );
      reportWebhookOutcome(outcome);
      return webhookReply(outcome);
    },
    // A call stalled up to the SDK's timeouts: 503 now rather than Lambda's timeout, so Mark ID resends.
    replyAtCutoff: () => webhookReply({ kind: "deadline" }),
  });
}

export const handler: WebhookHandler = createVerificationWebhookHandler(verificationWebhookDependencies);
