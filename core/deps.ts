/**
 * The composition root: the service's dependencies, built once per process (Lambda cold
 * start or local stack) and handed to the entry points (the app, the queue handlers). It
 * owns the per-process caches (the endpoint directory, the event-type catalog), so stacks
 * built apart never share entries. Services declare the parts they use (`Uses<…>`), never
 * the whole root. Tests build their own with a different config or parts.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Config } from "./config/runtime.js";
import { type EndpointDirectory, endpointDirectory } from "./endpoints/directory.js";
import { type EventTypeCatalog, eventTypeCatalog } from "./event-types/catalog.js";
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
  /** Each organization's endpoints, cached briefly (ingest matching, delivery). */
  endpoints: EndpointDirectory;
  /** Each organization's event types (validation caches them briefly). */
  eventTypes: EventTypeCatalog;
}

/** The parts of the root a service uses: `Uses<"db" | "now">`. */
export type Uses<K extends keyof Deps> = Pick<Deps, K>;

/** The clock alone. */
export type Clock = Uses<"now">;

export function createDeps(config: Config, overrides: Partial<Deps> = {}): Deps {
  const db = overrides.db ?? createDb(config);
  const sqs = overrides.sqs ?? createSqs(config);
  const now = overrides.now ?? (() => new Date());
  const cache = { ttlMs: config.endpointCacheSeconds * 1000, now };
  return {
    config,
    db,
    sqs,
    scheduler:
      overrides.scheduler ??
      (config.scheduler.mode === "local" ? localScheduler(db) : eventBridgeScheduler(config, { sqs })),
    now,
    endpoints: overrides.endpoints ?? endpointDirectory(db, cache),
    eventTypes: overrides.eventTypes ?? eventTypeCatalog(db, cache),
  };
}
