import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { LocalAws } from "../aws/index";
import type { LocalStack } from "../stack/stack";
import type { Disruption } from "./ledger";

/*
 * The events a chaos run puts in the middle of the traffic, each at a point of progress (the
 * share of requests settled), so a short run and a long one both go through all of them:
 * the token balance runs out and is topped up, result webhooks are lost outright, the results
 * queue, Secrets Manager, SNS and DynamoDB each fail for longer than Mark ID's resend window, and
 * the Mark ID key pair is rotated (simulator and secret together, as an operator would).
 */

export interface ScheduledDisruption {
  /** Progress (0..1) at which it starts. */
  readonly at: number;
  readonly name: string;
  run(): Promise<Disruption>;
}

export interface DisruptionSettings {
  readonly outageMs: number;
  /** Result webhooks the simulator loses outright, with all their resends. */
  readonly droppedWebhooks: number;
  readonly exhaustionHoldMs: number;
  /** Told every key pair the run puts in place (the leak scan looks for them). */
  readonly onKeyPair: (apiKey: string, apiSecret: string) => void;
}

export function plannedDisruptions(
  stack: LocalStack,
  aws: LocalAws,
  settings: DisruptionSettings,
): ScheduledDisruption[] {
  const { control } = stack.simulator;
  const outage =
    (name: string, service: "secretsmanager" | "sns" | "sqs" | "dynamodb", operation?: string) =>
    async () => {
      const startedAt = Date.now();
      aws.faults.inject({
        service,
        ...(operation === undefined ? {} : { operation }),
        error: "internal",
        untilMs: startedAt + settings.outageMs,
      });
      await sleep(settings.outageMs);
      return {
        name,
        // The webhook's own dependencies: its signing key and the results queue (design.md §4.4).
        hitsWebhooks: service === "secretsmanager" || service === "sqs",
        startedAt,
        endedAt: Date.now(),
        detail: `${service} ${operation ?? "(every operation)"} answers 500 for ${settings.outageMs} ms`,
      };
    };

  return [
    {
      at: 0.2,
      name: "token exhaustion",
      async run() {
        const startedAt = Date.now();
        const balance = control.tokenBalance();
        control.setTokenBalance(0);
        const fired = await stack.published
          .waitFor(
            "token-limit alert",
            (r) =>
              r.topic === "alerts" &&
              r.type === "markid.token-limit-reached" &&
              r.state === "firing" &&
              r.at >= startedAt,
            10_000,
          )
          .then(() => true)
          .catch(() => false);
        await sleep(settings.exhaustionHoldMs);
        control.setTokenBalance(balance);
        return {
          name: "token exhaustion",
          hitsWebhooks: false,
          startedAt,
          endedAt: Date.now(),
          detail: `balance 0 until ${fired ? "the alert fired" : "10 s passed without the alert"} + ${settings.exhaustionHoldMs} ms, then topped up`,
        };
      },
    },
    {
      at: 0.3,
      name: "lost webhooks",
      run() {
        const startedAt = Date.now();
        control.dropWebhooks(settings.droppedWebhooks);
        return Promise.resolve({
          name: "lost webhooks",
          hitsWebhooks: false,
          startedAt,
          endedAt: Date.now(),
          detail: `the next ${settings.droppedWebhooks} result webhooks are lost with all their resends`,
        });
      },
    },
    {
      at: 0.35,
      name: "results queue outage",
      run: outage("results queue outage", "sqs", "SendMessage"),
    },
    {
      at: 0.4,
      name: "Secrets Manager outage",
      run: outage("Secrets Manager outage", "secretsmanager", "GetSecretValue"),
    },
    {
      at: 0.5,
      name: "credential rotation",
      run() {
        const startedAt = Date.now();
        const suffix = randomBytes(12).toString("hex");
        const rotated = {
          apiKey: `rotated-key-${suffix}`,
          apiSecret: `rotated-secret-${suffix}`,
          webhookSigningKey: stack.secretValue.webhookSigningKey,
        };
        // Same tick: Mark ID and the secret change together; containers holding the old pair
        // in their cache get UNAUTHORIZED until they re-read it.
        aws.secrets.put(stack.resources.secretName, JSON.stringify(rotated));
        control.rotateCredentials(rotated.apiKey, rotated.apiSecret);
        settings.onKeyPair(rotated.apiKey, rotated.apiSecret);
        return Promise.resolve({
          name: "credential rotation",
          hitsWebhooks: false,
          startedAt,
          endedAt: Date.now(),
          detail: "new key pair in the simulator and in Secrets Manager",
        });
      },
    },
    {
      at: 0.65,
      name: "SNS outage",
      run: outage("SNS outage", "sns", "Publish"),
    },
    {
      at: 0.8,
      name: "DynamoDB outage",
      run: outage("DynamoDB outage", "dynamodb"),
    },
  ];
}
