/**
 * The composition root: the service's dependencies, built once per process (Lambda cold
 * start or local stack) and handed to the entry points (the app, the queue handlers). It
 * builds the store adapters (`<name>Store`: the small interfaces services use, bound to the
 * table; services never import core/store) and owns the per-process caches (the endpoint
 * directory, the event-type catalog, the delivery engine's memos), so stacks built apart
 * never share entries. Services declare the parts they use (`Uses<…>`), never the whole
 * root. Tests build their own with a different config or parts.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Config } from "./config/index.js";
import { type EndpointDirectory, endpointDirectory } from "./endpoints/index.js";
import { type EventTypeCatalog, eventTypeCatalog } from "./event-types/index.js";
import type { Scheduler } from "./model/index.js";
import { createSqs } from "./queue/index.js";
import { eventBridgeScheduler } from "./scheduler/index.js";
import {
  type ApiKeyStore,
  type AttemptStore,
  apiKeyStore,
  attemptStore,
  createDb,
  type Db,
  type DeliveryStore,
  deliveryStore,
  type EndpointHandleStore,
  type EndpointStore,
  type EventTypeStore,
  endpointHandleStore,
  endpointStore,
  eventTypeStore,
  type FanoutStore,
  type FilterCountStore,
  fanoutStore,
  filterCountStore,
  type HealthStore,
  healthStore,
  localScheduler,
  type MessageStore,
  messageStore,
  type OrgStore,
  orgStore,
  type PingStore,
  type PortalSessionStore,
  pingStore,
  portalSessionStore,
  type RateLimitStore,
  rateLimitStore,
} from "./store/index.js";

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
  /** Stored messages (core/store/messages.ts). */
  messageStore: MessageStore;
  /** The delivery log: delivery states and the recovery index (core/store/deliveries.ts). */
  deliveryStore: DeliveryStore;
  /** The attempt log, read (core/store/attempts.ts). */
  attemptStore: AttemptStore;
  /** What ingest and the fan-out write of a message (core/store/message-fanout.ts). */
  fanoutStore: FanoutStore;
  /** Endpoint health writes of the delivery engine (core/store/endpoint-health.ts). */
  healthStore: HealthStore;
  /** The table's readiness probe (`GET /health`, core/readiness.ts). */
  pingStore: PingStore;
  /** The shared per-endpoint rate-limit windows (core/store/rate-limit.ts). */
  rateLimitStore: RateLimitStore;
  /** What this process remembers of its own health writes, per endpoint (core/delivery/health.ts). */
  healthMemos: Map<string, HealthMemo>;
  /** Rate windows this process saw full: endpoint key -> epoch second (core/delivery/rate-limit.ts). */
  fullRateWindows: Map<string, number>;
  /** Organizations, their API keys, portal sessions, endpoints, own event types, filter counts. */
  apiKeyStore: ApiKeyStore;
  endpointStore: EndpointStore;
  /** Integer ids and UUIDs of endpoints, for the API profiles that use them (core/store/endpoint-handles.ts). */
  endpointHandleStore: EndpointHandleStore;
  eventTypeStore: EventTypeStore;
  filterCountStore: FilterCountStore;
  orgStore: OrgStore;
  portalSessionStore: PortalSessionStore;
}

/** One endpoint's health writes made by this process (so a cached record does not repeat them). */
export interface HealthMemo {
  /** When this process last wrote a healthy state. */
  healedAt?: number;
  /** The last `last_delivery_at` this process wrote (ms). */
  lastDeliveryAt?: number;
}

/** The parts of the root a service uses: `Uses<"messageStore" | "now">`. */
export type Uses<K extends keyof Deps> = Pick<Deps, K>;

/** The clock alone. */
export type Clock = Uses<"now">;

export function createDeps(config: Config, overrides: Partial<Deps> = {}): Deps {
  const db = overrides.db ?? createDb(config);
  const sqs = overrides.sqs ?? createSqs(config);
  const now = overrides.now ?? (() => new Date());
  const cache = { ttlMs: config.endpointCacheSeconds * 1000, now };
  const endpoints = overrides.endpointStore ?? endpointStore(db);
  const eventTypes = overrides.eventTypeStore ?? eventTypeStore(db);
  const orgs = overrides.orgStore ?? orgStore(db);
  return {
    config,
    db,
    sqs,
    scheduler:
      overrides.scheduler ??
      (config.scheduler.mode === "local" ? localScheduler(db) : eventBridgeScheduler(config, { sqs })),
    now,
    messageStore: overrides.messageStore ?? messageStore(db),
    deliveryStore:
      overrides.deliveryStore ?? deliveryStore(db, { retentionSeconds: config.retention.eventDays * 86_400 }),
    attemptStore: overrides.attemptStore ?? attemptStore(db),
    fanoutStore: overrides.fanoutStore ?? fanoutStore(db, config.retention),
    healthStore: overrides.healthStore ?? healthStore(db),
    rateLimitStore: overrides.rateLimitStore ?? rateLimitStore(db),
    pingStore: overrides.pingStore ?? pingStore(db),
    healthMemos: overrides.healthMemos ?? new Map(),
    fullRateWindows: overrides.fullRateWindows ?? new Map(),
    endpoints: overrides.endpoints ?? endpointDirectory(endpoints, orgs, cache),
    eventTypes: overrides.eventTypes ?? eventTypeCatalog(eventTypes, cache),
    apiKeyStore: overrides.apiKeyStore ?? apiKeyStore(db),
    endpointStore: endpoints,
    endpointHandleStore: overrides.endpointHandleStore ?? endpointHandleStore(db),
    eventTypeStore: eventTypes,
    filterCountStore: overrides.filterCountStore ?? filterCountStore(db),
    orgStore: orgs,
    portalSessionStore: overrides.portalSessionStore ?? portalSessionStore(db),
  };
}
