import { configDefaults, defineConfig } from "vitest/config";

/**
 * Three projects (docs/testing.md says which to run when), each a name rule, no list kept here:
 * - unit: pure tests (`*.unit.test.ts`), no emulator, runs in seconds (`npm run test:unit`);
 * - slow: `*.slow.test.ts`: load, in-flight limits, crashes, real browsers, `npm start` child
 *   processes, API fuzzing, the simulation's runs (child processes, minutes of CPU);
 * - integration: every other `*.test.ts`, on DynamoDB Local and fauxqs (most tests need the emulators).
 * The tier is in the file's name, so a test stays in the folder of the code it exercises.
 * `npm test` runs all three.
 */
const unit = ["test/**/*.unit.test.ts"];
const slow = ["test/**/*.slow.test.ts"];

/** Starts DynamoDB Local and fauxqs, once per run, only when a project that needs them runs. */
const emulators = ["test/support/global-setup.ts"];

export default defineConfig({
  // In this repository @hookrelay/client resolves to its source (packages/client/package.json's
  // `hookrelay-source` condition), then Vitest's default server conditions (node, development).
  ssr: { resolve: { conditions: ["hookrelay-source", "node", "development|production"] } },
  test: {
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
    projects: [
      { extends: true, test: { name: "unit", include: unit } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...unit, ...slow],
          globalSetup: emulators,
        },
      },
      { extends: true, test: { name: "slow", include: slow, globalSetup: emulators } },
    ],
  },
});
