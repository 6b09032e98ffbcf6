import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createCredentialsProvider } from "../lib/aws/credentials";
import { localAwsClientConfig, startLocalAws } from "../local/aws/index";
import { ms, type FigureResult } from "./report";
import { timeMs } from "./support/stats";

/**
 * GetSecretValue calls for 1,000 concurrent credential reads in one container within the cache
 * TTL: the real SDK client against the local AWS endpoint, the container's credentials provider
 * (lib/aws/credentials.ts), a cold cache. Then a second burst of 1,000, still within the TTL,
 * and one after the TTL on the provider's clock, for the detail. Goal: 1 call.
 *
 * A count, not a time, so the local endpoint runs in this process: its CPU cannot change it.
 */

const GOAL = 1;
const READS = 1_000;
const TTL_SECONDS = 300;
const SECRET_NAME = "markid/bench/api";

export async function run(): Promise<FigureResult[]> {
  const aws = await startLocalAws();
  const client = new SecretsManagerClient(localAwsClientConfig(aws.url, aws.region));
  try {
    await client.send(
      new CreateSecretCommand({
        Name: SECRET_NAME,
        SecretString: JSON.stringify({ apiKey: "k", apiSecret: "s", webhookSigningKey: "w" }),
      }),
    );
    let clock = Date.now();
    const credentials = createCredentialsProvider({
      client,
      secretId: SECRET_NAME,
      ttlSeconds: TTL_SECONDS,
      now: () => clock,
    });
    // Counted from here: the CreateSecret above is not a read.
    aws.resetCalls();
    const calls = () => aws.calls("secretsmanager", "GetSecretValue");

    const burst = async (): Promise<{ failed: number; wallMs: number }> => {
      let failed = 0;
      const wallMs = await timeMs(() =>
        Promise.all(
          Array.from({ length: READS }, () =>
            credentials.get().match(
              (secret) => {
                if (secret.apiKey !== "k") failed += 1;
              },
              () => {
                failed += 1;
              },
            ),
          ),
        ),
      );
      return { failed, wallMs };
    };

    const cold = await burst();
    const coldCalls = calls();
    const warm = await burst();
    const warmCalls = calls() - coldCalls;
    clock += TTL_SECONDS * 1000;
    const expired = await burst();
    const expiredCalls = calls() - coldCalls - warmCalls;
    const failed = cold.failed + warm.failed + expired.failed;
    if (failed > 0) throw new Error(`${failed} credential reads did not return the secret`);

    return [
      {
        figure: `GetSecretValue calls for ${READS.toLocaleString("en")} concurrent reads within the TTL`,
        measured: String(coldCalls),
        goal: `${GOAL}`,
        verdict: coldCalls <= GOAL ? "pass" : "miss",
        detail:
          `cold cache, real SDK client against the local endpoint; ${READS} reads in ${ms(cold.wallMs, 1)}; ` +
          `a second burst within the TTL made ${warmCalls} calls, one after the TTL ${expiredCalls}`,
      },
    ];
  } finally {
    client.destroy();
    await aws.close();
  }
}
