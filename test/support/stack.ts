/**
 * A fresh, isolated stack for one test file: its own table and queues on the shared
 * emulators, and `Deps` built from the same configuration loader Lambda uses.
 */
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { createDeps } from "../../core/compose.js";
import { type Config, loadConfig } from "../../core/config/runtime.js";
import { provision, type StackEnv } from "../../local/provision.js";

export interface TestStack {
  env: StackEnv;
  config: Config;
  deps: Deps;
}

/** The emulators global setup started, with a fresh suffix for this file's table and queues. */
export function sharedEmulators() {
  return {
    dynamodbEndpoint: inject("dynamodbEndpoint"),
    sqsEndpoint: inject("sqsEndpoint"),
    suffix: randomBytes(4).toString("hex"),
  };
}

/** `env` overrides any variable of core/config/runtime.ts (e.g. RETRY_TIME_FACTOR). */
export async function createTestStack(env: Record<string, string> = {}): Promise<TestStack> {
  const base = await provision(sharedEmulators());
  // A machine under load may answer a test receiver after the fast lane's 2 s budget; tests that
  // count requests must not see that move, so it is off unless a test sets it (isolation tests).
  const merged = { ...base, FAST_LANE_BUDGET_MS: "60000", ...env };
  const config = loadConfig(merged);
  return { env: merged, config, deps: createDeps(config) };
}

/** A unique organization id per test, so tests never see each other's data. */
export function uniqueOrg(): string {
  return `org_test${randomBytes(6).toString("hex")}`;
}
