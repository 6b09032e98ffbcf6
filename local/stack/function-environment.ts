import { LogLevel } from "@aws-lambda-powertools/logger";
import { parseConfig } from "../../lib/config";
import { localAwsEnvironment, type ProvisionedResources } from "../aws/index";
import { SERVICE } from "./functions";
import type { LocalStackSettings } from "./settings";

/**
 * Variables that say where the handlers' Mark ID, resources and stage are: the stack sets them to
 * its own simulator and provisioned resources. A different value in the shell is refused rather
 * than silently replaced (the user meant something by it); the same value — the exports the
 * banner prints, still set from an earlier run — is fine.
 */
export const STACK_OWNED_VARIABLES = [
  "MARKID_BASE_URL",
  "MARKID_SECRET_ID",
  "EVENTS_TOPIC_ARN",
  "ALERTS_TOPIC_ARN",
  "STATE_TABLE",
  "STAGE",
  "MARKID_MAX_CONTAINERS",
] as const;

/** Powertools' levels, any case (its Logger upper-cases the variable). */
export const LOG_LEVELS = Object.values(LogLevel);

/**
 * The handlers' environment: what serverless.yml's provider.environment gives them, pointed at
 * this stack. Tuning variables (POWERTOOLS_LOG_LEVEL, settings.functionEnvironment, any RETRY_*
 * the user exports) are defaults that the shell overrides; those that name the stack's endpoints
 * and resources are always the stack's.
 */
export function handlerEnvironment(
  settings: LocalStackSettings,
  awsEndpoint: string,
  simulatorUrl: string,
  resources: ProvisionedResources,
  shell: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const defaults: Record<string, string> = {
    POWERTOOLS_SERVICE_NAME: SERVICE,
    POWERTOOLS_METRICS_NAMESPACE: "MarkId",
    // The console lines say what happened (a given-back record, an alert); the handlers' own JSON
    // logs are on demand: POWERTOOLS_LOG_LEVEL=WARN (or INFO, DEBUG) npm start.
    POWERTOOLS_LOG_LEVEL: "ERROR",
    // EMF metric lines on stdout are for CloudWatch, not for a terminal.
    POWERTOOLS_METRICS_DISABLED: "true",
    MARKID_SIGNATURE_HEADER: "Idenfy-Signature",
    ...settings.functionEnvironment,
  };
  return {
    ...Object.fromEntries(Object.entries(defaults).map(([name, value]) => [name, shell[name] || value])),
    ...localAwsEnvironment(awsEndpoint, settings.region),
    ...resources.environment,
    MARKID_BASE_URL: simulatorUrl,
    STAGE: settings.stage,
    // All concurrent invocations share one module instance here, i.e. one "container" and one
    // rate limiter, so that container may use the whole account rate.
    MARKID_MAX_CONTAINERS: "1",
  };
}

/**
 * What stops `npm start` before the handlers load, one line per variable (never its value, which
 * may be a secret): a stack-owned variable the shell sets to something else, a function setting
 * lib/config.ts refuses, a log level Powertools does not know (it would fall back to INFO quietly).
 */
export function functionEnvironmentProblems(
  functionEnvironment: Readonly<Record<string, string>>,
  shell: Readonly<Record<string, string | undefined>> = process.env,
): string[] {
  const problems = STACK_OWNED_VARIABLES.filter((name) => {
    const value = shell[name];
    return value !== undefined && value !== "" && value !== functionEnvironment[name];
  }).map(
    (name) =>
      `${name}: set by the local stack itself (its own simulator, resources and stage; LOCAL_STAGE picks ` +
      "the stage); unset it in this shell",
  );
  const level = functionEnvironment["POWERTOOLS_LOG_LEVEL"] ?? "";
  if (!(LOG_LEVELS as string[]).includes(level.toUpperCase())) {
    problems.push(`POWERTOOLS_LOG_LEVEL: must be one of ${LOG_LEVELS.join(", ")}`);
  }
  const configProblems = parseConfig({ ...shell, ...functionEnvironment }).match(
    () => [],
    (error) => error.problems.map((problem) => problem.replace(" ", ": ")),
  );
  problems.push(...configProblems);
  return problems;
}

/** The stack refused its environment; `problems` has one line per variable. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid environment: ${problems.join("; ")}`);
  }
}
