import type { AddressInfo } from "node:net";
import { createControl, createControlHttp } from "./control";
import type { SimulatorCore } from "./core";
import { FaultRegistry } from "./faults";
import { sweepExpired } from "./lifecycle";
import { resolveOptions } from "./options";
import { RequestLog } from "./request-log";
import { createSimulatorServer } from "./server";
import { SimulatorState } from "./state";
import type { Simulator, SimulatorOptions } from "./types";
import { WebhookSender } from "./webhooks";

const EXPIRY_SWEEP_MS = 1000;

export type {
  FaultInjection,
  FaultSpec,
  RecordedRequest,
  Simulator,
  SimulatorContract,
  SimulatorControl,
  SimulatorOptions,
  UnauthorizedStyle,
  WebhookDelivery,
} from "./types";
export { signBody } from "./webhooks";

/** Start a Mark ID simulator on loopback (a random port unless `port` is given). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const resolved = resolveOptions(options);
  const closing = new AbortController();
  const core: SimulatorCore = {
    options: resolved,
    state: new SimulatorState(resolved),
    webhooks: new WebhookSender({
      signingKey: resolved.webhookSigningKey,
      signatureHeader: resolved.signatureHeader,
      retries: resolved.webhookRetries,
      retryIntervalMs: resolved.webhookRetryIntervalMs,
      timeoutMs: resolved.webhookTimeoutMs,
    }),
    faults: new FaultRegistry(),
    requestLog: new RequestLog(),
    rateLimit: null,
    closing: closing.signal,
    baseUrl: "",
  };
  const control = createControl(core);
  const server = createSimulatorServer(core, createControlHttp(control));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Mark ID sends an unused token's EXPIRED webhook when the token expires, not when someone next
  // calls the API: a once-a-second sweep keeps that timing (the per-request sweep stays, so a reply
  // never shows an expired token as ACTIVE). unref: it never keeps a process alive.
  const expiryClock = setInterval(() => sweepExpired(core, Date.now()), EXPIRY_SWEEP_MS);
  expiryClock.unref();
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  core.baseUrl = `http://${host}:${address.port}`;

  return {
    url: core.baseUrl,
    control,
    async close() {
      clearInterval(expiryClock);
      closing.abort();
      await core.webhooks.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
