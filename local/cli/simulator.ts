// Drives the running Mark ID simulator through its /__control HTTP surface (loopback only); the
// subcommands are in the usage text below (`--help`).
import { randomBytes } from "node:crypto";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { commandLineOrExit, parsedOrExit, UsageError, wholeNumber } from "./command-line";
import { runCli, targetFromEnvironment, type Target } from "./target";

const NAME = "npx tsx local/cli/simulator.ts";
const { values, positionals } = commandLineOrExit({
  name: NAME,
  usage: `<subcommand>

  balance [N]                 show or set the token balance
  rotate [--simulator-only]   new key pair at Mark ID and in the Secrets Manager secret; with
                              --simulator-only at Mark ID only, so the functions' pair is wrong
                              (→ markid.credentials-invalid)
  fault '<injection JSON>'    e.g. '{"fault":{"type":"html-5xx","status":503},"count":2}'
  clear-faults                remove every injected fault
  rate-limit <N | off>        Mark ID answers 429 above N requests per second
  requests [--last N]         API requests received (no bodies), default the last 20
  webhooks [--last N]         webhook deliveries and their replies, default the last 20
  drop-webhooks <N>           lose the next N webhooks outright, resends included (0 stops it)
  expire <scanRef>            age a session past its token expiry

The simulator is found as \`npm start\` chose it: SIMULATOR_PORT or SIMULATOR_URL (and, for rotate,
LOCAL_AWS_PORT, AWS_ENDPOINT_URL, AWS_REGION, LOCAL_STAGE).`,
  config: {
    options: {
      "simulator-only": { type: "boolean", default: false },
      last: { type: "string", default: "20" },
    },
    allowPositionals: true,
  },
});

/** Each subcommand with how many positional arguments it takes (at least, at most). */
const SUBCOMMANDS: Readonly<Record<string, readonly [number, number]>> = {
  balance: [0, 1],
  rotate: [0, 0],
  fault: [1, 1],
  "clear-faults": [0, 0],
  "rate-limit": [1, 1],
  requests: [0, 0],
  webhooks: [0, 0],
  "drop-webhooks": [1, 1],
  expire: [1, 1],
};

/** The arguments checked before anything is sent, so a typo never reaches the simulator. */
function checkArguments(): { command: string; argument: string | undefined; last: number } {
  const [command = "", argument, ...extra] = positionals;
  const arity = SUBCOMMANDS[command];
  if (arity === undefined) {
    throw new UsageError(
      command === "" ? "a subcommand is needed" : `unknown subcommand ${JSON.stringify(command)}`,
    );
  }
  const given = positionals.length - 1;
  if (given < arity[0] || given > arity[1] || extra.length > 0) {
    throw new UsageError(
      `${command} takes ${arity[0] === arity[1] ? arity[0] : `${arity[0]} to ${arity[1]}`} argument(s), not ${given}`,
    );
  }
  if (command === "balance" && argument !== undefined) wholeNumber(argument, "the balance", 0, 1_000_000_000);
  if (command === "rate-limit" && argument !== "off" && !(Number(argument) > 0)) {
    throw new UsageError(
      `rate-limit takes a number of requests per second above 0, or off, not ${JSON.stringify(argument)}`,
    );
  }
  if (command === "fault") injection(argument ?? "");
  if (command === "drop-webhooks") wholeNumber(argument ?? "", "the number of webhooks", 0, 1_000_000);
  return { command, argument, last: wholeNumber(values.last, "--last", 1, 100_000) };
}

/** The fault injection as JSON, or a UsageError (the simulator checks its fields). */
function injection(text: string): unknown {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value;
  } catch {
    // the line below says it
  }
  throw new UsageError(
    `fault takes a JSON object, e.g. '{"fault":{"type":"html-5xx"},"count":2}', not ${text}`,
  );
}

const { command, argument, last } = parsedOrExit(NAME, checkArguments);
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
  return items.slice(-last);
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

runCli(NAME, target, async () => {
  switch (command) {
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
      await control("POST", "faults", injection(argument ?? ""));
      console.log("fault injected");
      return;
    case "drop-webhooks":
      await control("POST", "webhooks/drop", { count: Number(argument) });
      console.log(`the next ${argument} webhook(s) will be lost with their resends`);
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
      await control("POST", "expire", { scanRef: argument });
      console.log(`expired ${argument}`);
      return;
    default:
      throw new UsageError(`unknown subcommand ${JSON.stringify(command)}`);
  }
});
