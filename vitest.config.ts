import { defineConfig } from "vitest/config";
import { announceNodeVersion } from "./local/node-version-notice";

// On Node 20 the SDK's Node notice once for the whole run, not once per test file; the switch it
// sets reaches every worker through the environment.
announceNodeVersion();

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Loopback servers (simulator, local AWS) start per file; forks keep them isolated.
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
