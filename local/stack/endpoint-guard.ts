/**
 * The stack creates queues, topics, a table and a secret at the AWS endpoint it is given. An
 * AWS_ENDPOINT_URL left in a shell must never make it do that in a real account, so only
 * loopback and LocalStack hosts are accepted.
 */
export function checkLocalEndpoint(endpoint: string): void {
  const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const local =
    host === "localhost" ||
    host === "::1" ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === "localstack" ||
    host.endsWith(".localstack.cloud") ||
    host === "localstack.cloud";
  if (!local) {
    throw new Error(
      `AWS_ENDPOINT_URL=${endpoint} is not a local endpoint: the local stack creates resources there, ` +
        "so it accepts only localhost, 127.0.0.0/8, ::1 or a LocalStack host name.",
    );
  }
}
