import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // End-to-end tests run the code as deployed (an exported `handler` configured from the
    // environment, or an AWS adapter with the real SDK client) against the local stack over HTTP,
    // with nothing injected. They are named *.e2e.test.ts: `npm run test:e2e` runs those files
    // alone (a path filter), `npm test` runs them with the rest.
    include: ["test/**/*.test.ts"],
    // Loopback servers (simulator, local AWS) start per file; forks keep them isolated.
    pool: "forks",
    globalSetup: ["test/support/node-version-notice.setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
