/**
 * The service's dependencies, built once per process (Lambda cold start or local stack)
 * and passed down to the services. Tests build their own with a different config.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Config } from "./config/runtime.js";
import type { Scheduler } from "./model/schedule.js";
import { createSqs } from "./queue/sqs.js";
import { eventBridgeScheduler } from "./scheduler/eventbridge.js";
import { createDb, type Db } from "./store/db.js";
import { localScheduler } from "./store/schedules.js";

export interface Deps {
  config: Config;
  db: Db;
  sqs: SQSClient;
  scheduler: Scheduler;
  /** The current time; tests may move it. */
  now: () => Date;
}

export function createDeps(config: Config, overrides: Partial<Deps> = {}): Deps {
  const db = overrides.db ?? createDb(config);
  const sqs = overrides.sqs ?? createSqs(config);
  return {
    config,
    db,
    sqs,
    scheduler:
      overrides.scheduler ??
      (config.scheduler.mode === "local" ? localScheduler(db) : eventBridgeScheduler(config, { sqs })),
    now: overrides.now ?? (() => new Date()),
  };
}
