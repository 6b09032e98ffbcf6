import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

/** CloudWatch metrics as EMF log lines (no API calls on the hot path), flushed per invocation. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "MarkId",
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "markid-serverless",
});

export type CountedMetric =
  | "MarkIdCall"
  | "MarkIdError"
  | "PolicyAction"
  | "TokenCreated"
  | "SessionRepublished"
  | "AlertSent"
  | "VerificationFailed"
  | "WebhookAccepted"
  | "WebhookRejected"
  | "WebhookNotification"
  | "ResultPublished"
  | "ResultDuplicate"
  | "ResultOfErasedSession"
  | "ResultsRecovered"
  | "ResultGivenBack"
  | "ResultMarkDeliveredFailed"
  | "CredentialCheck"
  | "ReconcileStatusCalls"
  | "SessionsGivenUp"
  | "VerificationDeleted"
  | "VerificationDeletesGivenUp"
  | "ErasureRequests";

/**
 * Counts one occurrence. A dimension (identifier, action, alert type) goes into its own
 * single-metric blob so it does not multiply the dimensions of every other metric.
 */
export function count(
  name: CountedMetric,
  dimension?: { readonly name: string; readonly value: string },
): void {
  if (!dimension) {
    metrics.addMetric(name, MetricUnit.Count, 1);
    return;
  }
  const single = metrics.singleMetric();
  single.addDimension(dimension.name, dimension.value);
  single.addMetric(name, MetricUnit.Count, 1);
}
