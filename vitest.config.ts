import { defineConfig } from "vitest/config";

// End-to-end tests run the code as deployed (an exported `handler` configured from the
// environment, or an AWS adapter with the real SDK client) against the local stack over HTTP,
// with nothing injected. They are named *.e2e.test.ts so `npm run test:e2e` (--project e2e) can
// run them alone; `npm test` runs both projects.
const E2E = "test/**/*.e2e.test.ts";

export default defineConfig({
  test: {
    // Loopback servers (simulator, local AWS) start per file; forks keep them isolated.
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [E2E] } },
      { extends: true, test: { name: "e2e", include: [E2E] } },
    ],
  },
});
