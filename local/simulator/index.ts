import type { AddressInfo } from "node:net";
import { createControl, createControlHttp } from "./control";
import type { SimulatorCore } from "./core";
import { FaultRegistry } from "./faults";
import { resolveOptions } from "./options";
import { RequestLog } from "./request-log";
import { createSimulatorServer } from "./server";
import { SimulatorState } from "./state";
import type { Simulator, SimulatorOptions } from "./types";
import { WebhookSender } from "./webhooks";

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
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  core.baseUrl = `http://${host}:${address.port}`;

  return {
    url: core.baseUrl,
    control,
    async close() {
      closing.abort();
      await core.webhooks.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
