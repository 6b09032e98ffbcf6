import type { ResolvedOptions } from "./options";
import type { OverallStatus } from "./vocabulary";

/** The echoed token request (§3.3) as the simulator answered it; fake result data derives from it. */
export type TokenEcho = Readonly<Record<string, unknown>>;

/** One verification (a token and its outcome). Mutable: the lifecycle functions move it along. */
export interface Verification {
  readonly scanRef: string;
  readonly authToken: string;
  readonly clientId: string;
  readonly externalRef: string | null;
  readonly callbackUrl: string | null;
  readonly token: TokenEcho;
  readonly dummy: boolean;
  readonly createdAt: number;
  /** Epoch ms after which the token can no longer be started (expiryTime). */
  expiresAt: number;
  tokenUsed: boolean;
  status: OverallStatus;
  autoFace: string | null;
  autoDocument: string | null;
  manualFace: string | null;
  manualDocument: string | null;
  fraudTags: string[];
  mismatchTags: string[];
  platform: string;
  startTime: number | null;
  finishTime: number | null;
  data: Record<string, unknown> | null;
  fileUrls: Record<string, string | null> | null;
  AML: unknown[] | null;
  LID: unknown[] | null;
}

/** Everything the simulator remembers between requests, changeable through the control surface. */
export class SimulatorState {
  apiKey: string;
  apiSecret: string;
  tokenBalance: number;
  webhookUrl: string | null;
  readonly environment: "DEV" | "PRODUCTION";
  readonly contract: ResolvedOptions["contract"];
  readonly tokenExpirySeconds: number;
  private readonly byScanRef = new Map<string, Verification>();
  private readonly scanRefByAuthToken = new Map<string, string>();

  constructor(options: ResolvedOptions) {
    this.apiKey = options.apiKey;
    this.apiSecret = options.apiSecret;
    this.tokenBalance = options.tokenBalance;
    this.webhookUrl = options.webhookUrl;
    this.environment = options.environment;
    this.contract = options.contract;
    this.tokenExpirySeconds = options.tokenExpirySeconds;
  }

  add(verification: Verification): void {
    this.byScanRef.set(verification.scanRef, verification);
    this.scanRefByAuthToken.set(verification.authToken, verification.scanRef);
  }

  get(scanRef: string): Verification | undefined {
    return this.byScanRef.get(scanRef);
  }

  getByAuthToken(authToken: string): Verification | undefined {
    const scanRef = this.scanRefByAuthToken.get(authToken);
    return scanRef === undefined ? undefined : this.byScanRef.get(scanRef);
  }

  all(): IterableIterator<Verification> {
    return this.byScanRef.values();
  }
}

export function isTokenExpired(verification: Verification, now: number): boolean {
  return now >= verification.expiresAt;
}
