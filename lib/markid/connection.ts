import { createTransport, type CredentialsSource, type Transport } from "./transport";

/*
 * How createMarkIdClient reaches Mark ID, apart from the client: the handlers' dependencies build
 * this transport and call only the endpoints they use, so each bundle carries (and each cold
 * init builds) the zod schemas of those endpoints alone, not the full client's.
 */

export const DEFAULT_BASE_URL = "https://ivs.markid.eu";
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface MarkIdClientOptions {
  /** Default `https://ivs.markid.eu`. */
  readonly baseUrl?: string;
  readonly credentials: CredentialsSource;
  /** Per call, covering connection, reply headers and body. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
}

/** The transport `createMarkIdClient(options)` calls through. */
export function createMarkIdTransport(options: MarkIdClientOptions): Transport {
  return createTransport({
    baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
    credentials: options.credentials,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // Looked up per call, not captured, so a fetch replaced after construction is honoured.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  });
}
