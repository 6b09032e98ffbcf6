// PLACEHOLDER: lets `serverless package` and the infrastructure test run before the real handler
// exists. Replaced by the real handler; never deploy it.
export function handler(): Promise<{ readonly status: "not-implemented" }> {
  return Promise.resolve({ status: "not-implemented" });
}
