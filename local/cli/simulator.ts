// Drives the running Mark ID simulator through its /__control HTTP surface (loopback only).
//
//   npx tsx local/cli/simulator.ts balance [N]            show or set the token balance
//   npx tsx local/cli/simulator.ts rotate [--simulator-only]
//        new key pair at Mark ID and in the Secrets Manager secret; --simulator-only changes
//        Mark ID's only, so the functions' key pair is wrong (→ markid.credentials-invalid)
//   npx tsx local/cli/simulator.ts fault '<injection JSON>'   e.g. '{"fault":{"type":"html-5xx"},"count":2}'
//   npx tsx local/cli/simulator.ts clear-faults
//   npx tsx local/cli/simulator.ts rate-limit <requests per second | off>
//   npx tsx local/cli/simulator.ts requests [--last N]    API requests received (no bodies)
//   npx tsx local/cli/simulator.ts webhooks [--last N]    webhook deliveries and their replies
//   npx tsx local/cli/simulator.ts expire <scanRef>       age a session past its token expiry
import { randomBytes } from "node:crypto";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { parseArgs } from "node:util";
import { runCli, targetFromEnvironment, type Target } from "./target";

const { values, positionals } = parseArgs({
  options: { "simulator-only": { type: "boolean", default: false }, last: { type: "string", default: "20" } },
  allowPositionals: true,
  strict: true,
});
const [command, argument] = positionals;
const target = targetFromEnvironment();

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${target.simulatorUrl}/__control/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} /__control/${path} → ${response.status} ${text}`);
  return text === "" ? undefined : (JSON.parse(text) as unknown);
}

function lastN<T>(items: readonly T[]): readonly T[] {
  return items.slice(-Math.max(1, Number(values.last) || 20));
}

/**
 * Secret first, then Mark ID: until Mark ID switches, the old pair (cached by the functions)
 * still works, and from the switch on the secret already holds the new one, so the functions'
 * refresh on UNAUTHORIZED finds it — no request fails. The other order leaves a window in which
 * a refresh finds the old pair and raises markid.credentials-invalid.
 */
async function rotate(t: Target): Promise<void> {
  const apiKey = `local-key-${randomBytes(4).toString("hex")}`;
  const apiSecret = randomBytes(16).toString("hex");
  if (!values["simulator-only"]) {
    const secrets = new SecretsManagerClient(t.clientConfig);
    const current = await secrets.send(new GetSecretValueCommand({ SecretId: t.names.secretName }));
    const value = JSON.parse(current.SecretString ?? "{}") as Record<string, unknown>;
    await secrets.send(
      new PutSecretValueCommand({
        SecretId: t.names.secretName,
        SecretString: JSON.stringify({ ...value, apiKey, apiSecret }),
      }),
    );
    secrets.destroy();
    console.log(`secret ${t.names.secretName}: new key pair (apiKey ${apiKey})`);
  }
  await control("POST", "credentials", { apiKey, apiSecret });
  console.log(`simulator: now accepts only apiKey ${apiKey}`);
}

runCli(target, async () => {
  switch (command ?? "") {
    case "balance":
      console.log(
        JSON.stringify(
          argument === undefined
            ? await control("GET", "token-balance")
            : await control("POST", "token-balance", { balance: Number(argument) }),
        ),
      );
      return;
    case "rotate":
      return rotate(target);
    case "fault":
      if (argument === undefined)
        throw new Error('fault needs an injection, e.g. \'{"fault":{"type":"html-5xx"},"count":2}\'');
      await control("POST", "faults", JSON.parse(argument));
      console.log("fault injected");
      return;
    case "clear-faults":
      await control("DELETE", "faults");
      console.log("faults cleared");
      return;
    case "rate-limit":
      await control("POST", "rate-limit", {
        requestsPerSecond: argument === undefined || argument === "off" ? null : Number(argument),
      });
      console.log(`rate limit ${argument === undefined || argument === "off" ? "off" : `${argument}/s`}`);
      return;
    case "requests": {
      const requests = (await control("GET", "requests")) as {
        method: string;
        path: string;
        status: number;
        authorized: boolean;
        at: number;
      }[];
      for (const r of lastN(requests))
        console.log(
          `${new Date(r.at).toISOString()}  ${r.method} ${r.path} → ${r.status}${r.authorized ? "" : " (unauthorized)"}`,
        );
      return;
    }
    case "webhooks": {
      const deliveries = (await control("GET", "webhooks")) as {
        url: string;
        status: unknown;
        attempt: number;
        at: number;
      }[];
      for (const d of lastN(deliveries))
        console.log(`${new Date(d.at).toISOString()}  attempt ${d.attempt} → ${String(d.status)}  ${d.url}`);
      return;
    }
    case "expire":
      if (argument === undefined) throw new Error("expire needs a scanRef");
      await control("POST", "expire", { scanRef: argument });
      console.log(`expired ${argument}`);
      return;
    default:
      throw new Error(
        "usage: simulator.ts balance [N] | rotate [--simulator-only] | fault '<json>' | clear-faults | " +
          "rate-limit <n|off> | requests [--last N] | webhooks [--last N] | expire <scanRef>",
      );
  }
});
