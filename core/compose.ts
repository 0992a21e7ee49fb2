/**
 * The composition root, the top floor of core/: it picks an adapter for every port, builds
 * every part once per process (`Deps`, core/all-deps.ts) and hands each entry point the narrow
 * context it lists (`contextFor(API_PORTS, deps)`, core/deps.ts). Nothing in core/ imports it;
 * the functions, the local stack, tests, the bench and the simulation do.
 *
 * - `createDeps(config)`: AWS (Lambda) or the local emulators, by configuration: the table
 *   (DynamoDB / DynamoDB Local), the task queue (SQS / fauxqs), the scheduler (EventBridge /
 *   the table, SCHEDULER_MODE), key wrapping (KMS / a key file), HTTP destinations.
 * - `createMemoryContext({ now })`: everything in memory on a clock the caller moves (fast
 *   tests and the virtual-time simulation): the production stores on an in-memory table, an
 *   in-memory task queue and scheduler, in-memory key wrapping, a recording destination.
 */

import type { Deps } from "./all-deps.js";
import { type Config, loadConfig } from "./config/index.js";
import {
  awsDestination,
  destinationByType,
  httpDestination,
  type MemoryDestination,
  memoryDestination,
} from "./delivery/index.js";
import type { Part, Uses } from "./deps.js";
import { endpointDirectory } from "./endpoints/index.js";
import { eventTypeCatalog } from "./event-types/index.js";
import { lruMemo, rateBudget } from "./lib/index.js";
import { tracerFor } from "./log/index.js";
import { type Destination, OPERATIONAL_CATALOG, type Tracer } from "./model/index.js";
import {
  createSqs,
  type MemoryTaskQueue,
  memoryTaskQueue,
  operationalBus,
  sqsTaskQueue,
} from "./queue/index.js";
import {
  eventBridgeScheduler,
  localScheduler,
  type MemoryScheduler,
  memoryScheduler,
} from "./scheduler/index.js";
import {
  apiKeyStore,
  attemptStore,
  cachedKeyLookups,
  createDb,
  createMemoryDb,
  type Db,
  deliveryStore,
  endpointHandleStore,
  endpointStore,
  erasureStore,
  eventTypeStore,
  fanoutStore,
  filterCountStore,
  healthStore,
  type MemoryDb,
  messageStore,
  orgStore,
  pingStore,
  portalSessionStore,
  rateLimitStore,
  replaySource,
  scheduleStore,
  taskStore,
} from "./store/index.js";

export function createDeps(config: Config, overrides: Partial<Deps> = {}): Deps {
  const db = overrides.db ?? createDb(config, overrides.now);
  const sqs = overrides.sqs ?? createSqs(config);
  const taskQueue = overrides.taskQueue ?? sqsTaskQueue(sqs, config.queues);
  const schedules = overrides.scheduleStore ?? scheduleStore(db);
  const scheduler =
    overrides.scheduler ??
    (config.scheduler.mode === "local"
      ? localScheduler(schedules)
      : eventBridgeScheduler(config, { queue: taskQueue }));
  return storesOn(db, config, {
    ...overrides,
    sqs,
    taskQueue,
    scheduler,
    scheduleStore: schedules,
    destination: overrides.destination ?? productionDestination(config, overrides.now),
  });
}

/**
 * An entry point's context: only the parts it lists (API_PORTS, INGEST_PORTS, DELIVERY_PORTS,
 * SCHEDULED_PORTS), so the code below it cannot reach the others, not even by a cast. The parts
 * are the same objects (one cache, one client per process), only the view is narrow.
 */
export function contextFor<K extends Part>(parts: readonly K[], deps: Deps): Uses<K> {
  return Object.fromEntries(parts.map((part) => [part, deps[part]])) as Uses<K>;
}

/** HTTPS endpoints over HTTP, AWS ones through their SDK clients (the emulator locally). */
function productionDestination(config: Config, now: () => Date = () => new Date()) {
  const aws = awsDestination({ region: config.region, now, emulatorEndpoint: config.destinations.emulator });
  return destinationByType(httpDestination, aws);
}

type Ports = Pick<Deps, "sqs" | "taskQueue" | "scheduler" | "scheduleStore" | "destination">;

/** Endpoints a process remembers seeing busy (rate limit, trial), as its other per-endpoint memos. */
const FULL_RATE_WINDOWS = 10_000;
/**
 * Endpoints whose health writes a process remembers (core/delivery/health.ts). Forgetting one
 * costs at most a `last_delivery_at` refresh its cached record already makes needless, and
 * its window's last minute of attempts (policy/window.ts); held health is kept (above).
 */
const HEALTH_MEMOS = 10_000;

/** The store adapters and caches on `db` (each replaced by its override, when given). */
function storesOn(db: Db, config: Config, o: Partial<Deps> & Ports): Deps {
  const now = o.now ?? (() => new Date());
  const cache = { ttlMs: config.endpointCacheSeconds * 1000, now };
  const endpoints = o.endpointStore ?? endpointStore(db);
  const eventTypes = o.eventTypeStore ?? eventTypeStore(db);
  const orgs = o.orgStore ?? orgStore(db);
  return {
    config,
    db,
    sqs: o.sqs,
    taskQueue: o.taskQueue,
    scheduler: o.scheduler,
    scheduleStore: o.scheduleStore,
    destination: o.destination,
    // EventBridge when OPERATIONAL_EVENT_BUS is set (AWS); otherwise a port that does nothing.
    operationalBus: o.operationalBus ?? operationalBus(config),
    tracer: o.tracer ?? tracerFor({ ...config.tracing, now }),
    now,
    messageStore: o.messageStore ?? messageStore(db),
    deliveryStore:
      o.deliveryStore ?? deliveryStore(db, { retentionSeconds: config.retention.eventDays * 86_400 }),
    attemptStore: o.attemptStore ?? attemptStore(db),
    fanoutStore: o.fanoutStore ?? fanoutStore(db, config.retention),
    healthStore: o.healthStore ?? healthStore(db),
    rateLimitStore: o.rateLimitStore ?? rateLimitStore(db),
    pingStore: o.pingStore ?? pingStore(db),
    // Bounded like the other memos; a memo holding health not yet written is never dropped.
    healthMemos: o.healthMemos ?? lruMemo(HEALTH_MEMOS, (m) => m.held !== undefined),
    // Bounded like the process's other memos (core/lib/lru.ts): an endpoint seen busy once is not kept for ever.
    fullRateWindows: o.fullRateWindows ?? lruMemo(FULL_RATE_WINDOWS),
    retrySchedules: o.retrySchedules ?? rateBudget(config.scheduler.retriesPerSecond),
    endpoints: o.endpoints ?? endpointDirectory(endpoints, orgs, cache),
    // The platform organization's catalog also has the operational event types.
    eventTypes:
      o.eventTypes ??
      eventTypeCatalog(eventTypes, cache, (org) => (org === config.platformOrgId ? OPERATIONAL_CATALOG : [])),
    // Verified keys are kept 10 s per process (core/store/api-key-cache.ts): one read per key, not per request.
    apiKeyStore: o.apiKeyStore ?? cachedKeyLookups(apiKeyStore(db), { now }),
    endpointStore: endpoints,
    endpointHandleStore: o.endpointHandleStore ?? endpointHandleStore(db),
    eventTypeStore: eventTypes,
    filterCountStore: o.filterCountStore ?? filterCountStore(db),
    filterCounts: o.filterCounts ?? { held: new Map() },
    orgStore: orgs,
    portalSessionStore: o.portalSessionStore ?? portalSessionStore(db),
    taskStore: o.taskStore ?? taskStore(db),
    erasureStore: o.erasureStore ?? erasureStore(db),
    replaySource: o.replaySource ?? replaySource(db),
  };
}

/** The configuration of an in-memory context: every setting at its default, queues named by role. */
export const MEMORY_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: "memory",
  TABLE_NAME: "memory",
  INGEST_QUEUE_URL: "memory://ingest",
  INGEST_DLQ_URL: "memory://ingest-dlq",
  DELIVERY_QUEUE_URL: "memory://delivery",
  DELIVERY_DLQ_URL: "memory://delivery-dlq",
  DELIVERY_SLOW_QUEUE_URL: "memory://delivery-slow",
  DELIVERY_ORDERED_QUEUE_URL: "memory://delivery-ordered",
  SCHEDULER_MODE: "local",
  ALLOW_PRIVATE_TARGETS: "true",
  ALLOW_HTTP_LOCALHOST: "true",
};

export interface MemoryContextOptions {
  /** The clock every part reads (default: the wall clock); the simulation passes a virtual one. */
  now?: () => Date;
  /** Settings over MEMORY_ENV (any variable of core/config/runtime.ts). */
  env?: Record<string, string>;
  /** How destinations answer (default: 200 at once); see core/delivery/destination.ts. */
  destination?: Destination;
  /** EventBridge's minute precision for scheduled entries (default: exact). */
  schedulerPrecision?: "exact" | "minute";
  /** Where spans go (default: nowhere, as locally); tests record them. */
  tracer?: Tracer;
}

export interface MemoryContext {
  deps: Deps;
  /** The in-memory table (the production stores run on it). */
  db: MemoryDb;
  queue: MemoryTaskQueue;
  scheduler: MemoryScheduler;
  /** The destination attempts go to (a recording one unless one was given). */
  destination: Destination | MemoryDestination;
}

/** Everything in memory, one call: `createMemoryContext({ now: () => clock })`. */
export function createMemoryContext(opts: MemoryContextOptions = {}): MemoryContext {
  const now = opts.now ?? (() => new Date());
  const config = loadConfig({ ...MEMORY_ENV, ...opts.env });
  const db = createMemoryDb(() => now().getTime());
  const queue = memoryTaskQueue(config.queues, now);
  const scheduler = memoryScheduler(queue, { precision: opts.schedulerPrecision });
  const destination = opts.destination ?? memoryDestination();
  const deps = storesOn(db, config, {
    now,
    sqs: noSqs(),
    taskQueue: queue,
    scheduler,
    scheduleStore: scheduleStore(db),
    destination,
    ...(opts.tracer ? { tracer: opts.tracer } : {}),
  });
  return { deps, db, queue, scheduler, destination };
}

/** In memory there is no SQS client: whatever still reaches for one fails loudly. */
function noSqs(): Deps["sqs"] {
  return new Proxy({} as Deps["sqs"], {
    get() {
      throw new Error("the in-memory context has no SQS client: use deps.taskQueue");
    },
  });
}
