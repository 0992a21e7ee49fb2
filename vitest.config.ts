import { configDefaults, defineConfig } from "vitest/config";

/**
 * Three projects (docs/testing.md says which to run when):
 * - unit: pure tests (`*.unit.test.ts`), no emulator, runs in seconds (`npm run test:unit`);
 * - slow: load, in-flight limits, crashes, real browsers, `npm start` child processes, API fuzzing,
 *   the simulation's runs (child processes, minutes of CPU);
 * - integration: everything else, on DynamoDB Local and fauxqs. A new test file lands here
 *   unless it is named `*.unit.test.ts` or listed in `slow`, since most tests need the emulators.
 * `npm test` runs all three.
 */
/** A pure test is named `*.unit.test.ts`: its name, not a list kept here, puts it in the unit project. */
const unit = ["test/**/*.unit.test.ts"];

const slow = [
  "test/client/package.test.ts",
  "test/e2e/clean-clone.test.ts",
  "test/e2e/docs-offline.test.ts",
  "test/e2e/in-flight.test.ts",
  "test/e2e/npm-start.test.ts",
  "test/e2e/restart.test.ts",
  "test/delivery/ordered.test.ts",
  "test/portal/browser.test.ts",
  "test/portal/endpoint-history-browser.test.ts",
  "test/portal/erased-browser.test.ts",
  "test/reliability/function-faults.test.ts",
  "test/reliability/load.test.ts",
  "test/security/fuzz.test.ts",
  "test/security/keep-alive.test.ts",
  "test/sim/calibrate.test.ts",
  "test/sim/simulate.test.ts",
];

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
