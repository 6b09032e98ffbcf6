import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Loopback servers (simulator, local AWS) start per file; forks keep them isolated.
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
