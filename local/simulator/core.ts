import type { FaultRegistry } from "./faults";
import type { ResolvedOptions } from "./options";
import type { TokenBucket } from "./rate-limit";
import type { RequestLog } from "./request-log";
import type { SimulatorState } from "./state";
import type { WebhookSender } from "./webhooks";

/** The running simulator's parts, shared by the server pipeline, route handlers and control. */
export interface SimulatorCore {
  readonly options: ResolvedOptions;
  readonly state: SimulatorState;
  readonly webhooks: WebhookSender;
  readonly faults: FaultRegistry;
  readonly requestLog: RequestLog;
  rateLimit: TokenBucket | null;
  /** Aborted by close(): a request held by a latency fault is dropped instead of handled late. */
  readonly closing: AbortSignal;
  /** Known once the server listens; used for redirectUrl and file URLs. */
  baseUrl: string;
}
