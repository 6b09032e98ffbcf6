import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAwsClients } from "../../lib/aws/clients";
import {
  defaultProvider,
  environmentFirstProvider,
  type FullChainLoader,
} from "../../lib/aws/credential-chain";

const ENV_KEYS = { accessKeyId: "AKIDENVIRONMENT", secretAccessKey: "environment-secret" };
const FILE_KEYS = { accessKeyId: "AKIDSHAREDFILE", secretAccessKey: "shared-file-secret" };
const CHAIN_KEYS = { accessKeyId: "AKIDFULLCHAIN", secretAccessKey: "full-chain-secret" };

const folder = mkdtempSync(join(tmpdir(), "credential-chain-"));
const credentialsFile = join(folder, "credentials");
const configFile = join(folder, "config");
writeFileSync(
  credentialsFile,
  `[default]\naws_access_key_id = ${FILE_KEYS.accessKeyId}\naws_secret_access_key = ${FILE_KEYS.secretAccessKey}\n`,
);
writeFileSync(configFile, "");

function stubEnvironmentKeys(): void {
  vi.stubEnv("AWS_ACCESS_KEY_ID", ENV_KEYS.accessKeyId);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", ENV_KEYS.secretAccessKey);
}

/** A stand-in for the SDK's chain that counts how often it is loaded and called. */
function countingChain() {
  const seen = { loads: 0, calls: 0, identityProperties: [] as unknown[] };
  const load: FullChainLoader = () => {
    seen.loads += 1;
    return () => (identityProperties) => {
      seen.calls += 1;
      seen.identityProperties.push(identityProperties);
      return Promise.resolve(CHAIN_KEYS);
    };
  };
  return { seen, load };
}

beforeEach(() => {
  // Whatever the developer's shell holds, each test starts from no credentials at all.
  for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"]) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", credentialsFile);
  vi.stubEnv("AWS_CONFIG_FILE", configFile);
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe("environmentFirstProvider", () => {
  it("answers from the environment without loading the rest of the chain", async () => {
    stubEnvironmentKeys();
    vi.stubEnv("AWS_SESSION_TOKEN", "session-token");
    const { seen, load } = countingChain();
    const provider = environmentFirstProvider({}, load);
    expect(await provider()).toMatchObject({ ...ENV_KEYS, sessionToken: "session-token" });
    expect(seen.loads).toBe(0);
  });

  it("loads the full chain once, and only when the environment has no key pair", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", ENV_KEYS.accessKeyId); // a key without its secret is no pair
    const { seen, load } = countingChain();
    const provider = environmentFirstProvider({}, load);
    expect(await provider({ accountId: "1" } as never)).toEqual(CHAIN_KEYS);
    expect(await provider()).toEqual(CHAIN_KEYS);
    expect(seen).toMatchObject({ loads: 1, calls: 2 });
    expect(seen.identityProperties[0]).toEqual({ accountId: "1" });
  });

  it("lets a named profile win over environment keys, as the SDK's chain does", async () => {
    stubEnvironmentKeys();
    vi.stubEnv("AWS_PROFILE", "operator");
    const fromEnvironmentProfile = countingChain();
    expect(await environmentFirstProvider({}, fromEnvironmentProfile.load)()).toEqual(CHAIN_KEYS);
    vi.stubEnv("AWS_PROFILE", undefined);
    const fromInitProfile = countingChain();
    expect(await environmentFirstProvider({ profile: "operator" }, fromInitProfile.load)()).toEqual(
      CHAIN_KEYS,
    );
    expect([fromEnvironmentProfile.seen.loads, fromInitProfile.seen.loads]).toEqual([1, 1]);
  });
});

describe("defaultProvider (the real SDK chain behind it)", () => {
  it("falls back to the SDK's chain, which reads the shared credentials file", async () => {
    expect(await defaultProvider()()).toMatchObject(FILE_KEYS);
  });

  it("is what the SDK clients resolve credentials with", async () => {
    const withoutEnvironment = createAwsClients({ region: "eu-west-1" });
    expect(await withoutEnvironment.sns.config.credentials()).toMatchObject(FILE_KEYS);
    stubEnvironmentKeys();
    const withEnvironment = createAwsClients({ region: "eu-west-1" });
    expect(await withEnvironment.dynamodb.config.credentials()).toMatchObject(ENV_KEYS);
  });
});
