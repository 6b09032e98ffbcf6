import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Loopback servers (simulator, local AWS) start per file; forks keep them isolated.
    pool: "forks",
    globalSetup: ["test/support/node-version-notice.setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
