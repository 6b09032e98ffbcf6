import { Logger } from "@aws-lambda-powertools/logger";

/**
 * One JSON logger per container (Powertools: structured, sampling, Lambda context keys).
 * What goes into it is the caller's responsibility and the rule is strict: identifiers
 * (requestId, scanRef, messageId, error identifiers) only — never an authToken, a key, a
 * signature, or any field of a person's data. test/ scans the log output for leaks.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "markid-serverless",
});
