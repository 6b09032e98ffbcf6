// PLACEHOLDER (branch yml), to be replaced by the real handler: serverless.yml declares
// reconcileSessions, and `serverless package` (test/infra/template.test.ts) cannot build a
// function without its file. Deployed by mistake it does nothing: it asks about no session.
import type { ScheduledEvent } from "aws-lambda";

export const handler = (_event: ScheduledEvent): Promise<{ readonly placeholder: true }> =>
  Promise.resolve({ placeholder: true });
