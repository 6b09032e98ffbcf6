// `npm run simulator`: a Mark ID simulator on loopback for manual runs and the local stack.
// SIMULATOR_PORT (default 8090) and WEBHOOK_URL (optional: where result webhooks are POSTed).
import { commandLineOrExit } from "../cli/command-line";
import { startSimulator } from "./index";
import {
  DEFAULT_API_KEY,
  DEFAULT_API_SECRET,
  DEFAULT_SIGNATURE_HEADER,
  DEFAULT_SIGNING_KEY,
} from "./options";
import { routes } from "./routes";

// No options: --help answers with the usage, and anything else is refused in one line.
commandLineOrExit({
  name: "npm run simulator",
  usage: `

  Starts a Mark ID simulator on loopback and prints its endpoints, its key pair and curl lines for
  its control surface; Ctrl-C stops it.

  SIMULATOR_PORT  the port (default 8090; 0 picks a free one)
  WEBHOOK_URL     where result webhooks are POSTed (default: recorded, not sent)`,
  config: { options: {}, allowPositionals: false },
});

const port = Number(process.env["SIMULATOR_PORT"] ?? 8090);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`SIMULATOR_PORT must be a port number, got "${process.env["SIMULATOR_PORT"]}"`);
  process.exit(1);
}
const webhookUrl = process.env["WEBHOOK_URL"];

const simulator = await startSimulator({ port, ...(webhookUrl ? { webhookUrl } : {}) });
const { url } = simulator;
const basic = Buffer.from(`${DEFAULT_API_KEY}:${DEFAULT_API_SECRET}`).toString("base64");

console.log(`Mark ID simulator listening on ${url}

Endpoints:
${Object.entries(routes)
  .map(([path, route]) => `  ${route.method.padEnd(4)} ${path}${route.auth ? "" : "   (no auth)"}`)
  .join("\n")}

Local key pair (HTTP Basic): apiKey=${DEFAULT_API_KEY} apiSecret=${DEFAULT_API_SECRET}
Webhooks: ${webhookUrl ?? "not sent (set WEBHOOK_URL); still recorded"}, signed in header ${DEFAULT_SIGNATURE_HEADER} with key ${DEFAULT_SIGNING_KEY}

Try it:
  curl -s -X POST ${url}/api/v2/token -u ${DEFAULT_API_KEY}:${DEFAULT_API_SECRET} -H 'Content-Type: application/json' -d '{"clientId":"demo-1"}'
  curl -s -X POST ${url}/api/v2/token -H 'Authorization: Basic ${basic}' -H 'Content-Type: application/json' -d '{"clientId":"demo-2","dummyStatus":"APPROVED"}'

Control surface (no auth, loopback only):
  curl -s ${url}/__control/token-balance
  curl -s -X POST ${url}/__control/token-balance -d '{"balance":0}'
  curl -s -X POST ${url}/__control/credentials -d '{"apiKey":"new-key","apiSecret":"new-secret"}'
  curl -s -X POST ${url}/__control/faults -d '{"fault":{"type":"html-5xx","status":503},"count":2,"path":"/api/v2/token"}'
  curl -s -X POST ${url}/__control/faults -d '{"fault":{"type":"latency","ms":3000},"fraction":0.5}'
  curl -s -X DELETE ${url}/__control/faults
  curl -s -X POST ${url}/__control/rate-limit -d '{"requestsPerSecond":2}'
  curl -s -X POST ${url}/__control/webhook-url -d '{"url":"http://127.0.0.1:3000/markid/webhook"}'
  curl -s -X POST ${url}/__control/expire -d '{"scanRef":"<scanRef>"}'
  curl -s '${url}/__control/verification?scanRef=<scanRef>'
  curl -s ${url}/__control/requests
  curl -s ${url}/__control/webhooks
  curl -s -X POST ${url}/__control/webhooks/drop -d '{"count":1}'

Ctrl-C to stop.`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void simulator.close().then(() => process.exit(0));
  });
}
