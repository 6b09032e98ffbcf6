// The local AWS endpoint with the stack's resources, in a process of its own for the benchmarks
// (support/local-aws-process.ts starts it). Prints one line, `ready <json>`, once provisioned;
// stops on SIGTERM or when its parent goes (stdin closes).
import { provisionLocalResources, startLocalAws } from "../../local/aws/index";

const aws = await startLocalAws();
const id = String(process.pid);
const resources = await provisionLocalResources({
  endpoint: aws.url,
  region: aws.region,
  tableName: `bench-state-${id}`,
  eventsTopicName: `bench-events-${id}`,
  alertsTopicName: `bench-alerts-${id}`,
  requestQueueName: `bench-requests-${id}`,
  deadLetterQueueName: `bench-requests-dlq-${id}`,
  resultsQueueName: `bench-results-${id}`,
  resultsDeadLetterQueueName: `bench-results-dlq-${id}`,
  secretName: `markid/bench-${id}/api`,
  secretValue: JSON.parse(process.env.BENCH_SECRET_VALUE ?? "{}") as {
    apiKey: string;
    apiSecret: string;
    webhookSigningKey: string;
  },
});
process.stdout.write(`ready ${JSON.stringify({ url: aws.url, region: aws.region, resources })}\n`);

let closing = false;
const close = () => {
  if (closing) return;
  closing = true;
  void aws.close().finally(() => process.exit(0));
};
process.on("SIGTERM", close);
process.stdin.on("end", close).resume();
