import type { SimulatorOptions, UnauthorizedStyle } from "./types";

/** Every option with its default applied, so the rest of the simulator never re-derives one. */
export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly tokenBalance: number;
  readonly webhookUrl: string | null;
  readonly webhookSigningKey: string;
  readonly signatureHeader: string;
  readonly environment: "DEV" | "PRODUCTION";
  readonly contract: {
    readonly generateDigitString: boolean;
    readonly callbackUrl: boolean;
    readonly fraud: boolean;
    readonly aml: boolean;
  };
  readonly tokenExpirySeconds: number;
  readonly unauthorizedStyle: UnauthorizedStyle;
  readonly webhookRetries: number;
  readonly webhookRetryIntervalMs: number;
  readonly webhookTimeoutMs: number;
}

export const DEFAULT_API_KEY = "local-api-key";
export const DEFAULT_API_SECRET = "local-api-secret";
export const DEFAULT_SIGNING_KEY = "local-signing-key";
export const DEFAULT_SIGNATURE_HEADER = "Idenfy-Signature";

export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  const contract = options.contract ?? {};
  return {
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    apiKey: options.apiKey ?? DEFAULT_API_KEY,
    apiSecret: options.apiSecret ?? DEFAULT_API_SECRET,
    tokenBalance: options.tokenBalance ?? 1000,
    webhookUrl: options.webhookUrl ?? null,
    webhookSigningKey: options.webhookSigningKey ?? DEFAULT_SIGNING_KEY,
    signatureHeader: options.signatureHeader ?? DEFAULT_SIGNATURE_HEADER,
    environment: options.environment ?? "DEV",
    contract: {
      generateDigitString: contract.generateDigitString ?? true,
      callbackUrl: contract.callbackUrl ?? true,
      fraud: contract.fraud ?? true,
      aml: contract.aml ?? true,
    },
    tokenExpirySeconds: options.tokenExpirySeconds ?? 86_400,
    unauthorizedStyle: options.unauthorizedStyle ?? "identifier-400",
    webhookRetries: options.webhookRetries ?? 3,
    webhookRetryIntervalMs: options.webhookRetryIntervalMs ?? 500,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 10_000,
  };
}
