import { createRequire } from "node:module";
import { join } from "node:path";
import { fromEnv } from "@aws-sdk/credential-provider-env";
import type { DefaultProviderInit } from "@aws-sdk/credential-provider-node";
import type { AwsCredentialIdentityProvider } from "@smithy/types";

/**
 * The SDK's default credential chain with its first link, the environment, taken without
 * loading the rest.
 *
 * Why: Lambda always hands a function its role's keys in AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, so in a deployed function the chain never gets past
 * that link. The other links (SSO, shared INI files, credential_process, web identity, container
 * and instance metadata) and the STS/SSO clients they bring were about 120 KB of each bundle and
 * 7 ms of each cold init (bench: cold-init). serverless.yml aliases
 * `@aws-sdk/credential-provider-node` to this module, so the bundles carry only `fromEnv`.
 *
 * Where the environment has no keys (`serverless invoke local` with a profile, a script on a
 * laptop, an environment that serves credentials another way) or names a profile, the full chain
 * is loaded on first use and behaves exactly as the SDK's own: it is the SDK's
 * `defaultProvider`, required at run time from node_modules or, in Lambda, from the runtime's
 * own SDK copy (NODE_PATH), so it is never bundled.
 */
export function defaultProvider(init: DefaultProviderInit = {}): AwsCredentialIdentityProvider {
  return environmentFirstProvider(init, requireFullChain);
}

/** The SDK's `defaultProvider`; injectable so tests can see when it is loaded. */
export type FullChainLoader = () => (init: DefaultProviderInit) => AwsCredentialIdentityProvider;

export function environmentFirstProvider(
  init: DefaultProviderInit,
  loadFullChain: FullChainLoader,
): AwsCredentialIdentityProvider {
  const environment = fromEnv(init);
  let fullChain: AwsCredentialIdentityProvider | undefined;
  return (identityProperties) => {
    if (environmentKeysApply(init)) return environment();
    fullChain ??= loadFullChain()(init);
    return fullChain(identityProperties);
  };
}

/**
 * The SDK chain's own rule for its first link: the key pair from the environment, unless a
 * profile is named (then the profile wins, and the full chain resolves it).
 */
function environmentKeysApply(init: DefaultProviderInit): boolean {
  const profile = init.profile ?? process.env.AWS_PROFILE;
  if (profile) return false;
  return Boolean(process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY);
}

/**
 * Resolved from the working directory (/var/task in Lambda, the repository locally) rather than
 * this file: the same code runs as ES module source in tests and as a CommonJS bundle deployed,
 * and a `require` made here is one esbuild leaves alone (a plain `require` or `import()` of
 * the package would be bundled, through the alias, as this very module).
 */
function requireFullChain(): (init: DefaultProviderInit) => AwsCredentialIdentityProvider {
  const load = createRequire(join(process.cwd(), "noop.js"));
  const chain = load("@aws-sdk/credential-provider-node") as {
    defaultProvider: (init: DefaultProviderInit) => AwsCredentialIdentityProvider;
  };
  return chain.defaultProvider;
}
