import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // Loopback-only name resolution in every test file: tests never reach the internet.
    // fast-check draws from a fixed seed (FC_SEED=random explores): CI runs are repeatable.
    setupFiles: ["test/support/hermetic.ts", "test/support/fast-check-seed.ts"],
    testTimeout: 60_000,
    // Quiet logs; tests that inspect logs raise the level themselves (test/security/access.test.ts).
    env: {
      LOG_LEVEL: "WARN",
      POWERTOOLS_METRICS_DISABLED: "true",
    },
    hookTimeout: 60_000,
    // Two cores: more workers only contend with the emulators.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
