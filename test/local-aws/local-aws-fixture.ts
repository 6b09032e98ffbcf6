import { afterAll, beforeAll } from "vitest";
import {
  localAwsClientConfig,
  startLocalAws,
  type LocalAws,
  type LocalAwsClientConfig,
} from "../../local/aws/index";

/**
 * Starts one local AWS gateway for the calling test file (on a random loopback port) and
 * closes it after the file. Read `aws` and `config` inside tests or hooks, not at import time.
 */
export function useLocalAws(): { readonly aws: LocalAws; readonly config: LocalAwsClientConfig } {
  let aws: LocalAws | undefined;
  beforeAll(async () => {
    aws = await startLocalAws({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await aws?.close();
  });
  return {
    get aws() {
      if (aws === undefined) throw new Error("local AWS not started yet");
      return aws;
    },
    get config() {
      if (aws === undefined) throw new Error("local AWS not started yet");
      return localAwsClientConfig(aws.url, aws.region);
    },
  };
}

/** A name no other test in the file uses, so tests stay independent of each other's resources. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}
