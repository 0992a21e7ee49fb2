/**
 * Every part the composition root (core/compose.ts) builds once per process: the adapters of
 * every port and the per-process caches. Types only. Only the root and core/deps.ts import this
 * file (`npm run check:deps`, rule only-the-root-sees-every-part): an entry point is handed the
 * parts it lists (its context, e.g. core/api/context.ts), a service names the ones it uses
 * (`Uses<…>`, core/deps.ts), so no code below the root can reach for the whole.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Config } from "./config/index.js";
import type { HeldTimer, Memo, RateBudget } from "./lib/index.js";
import type {
  AttemptWindow,
  Destination,
  EndpointDirectory,
  EndpointRecord,
  EventTypeCatalog,
  HealthObservation,
  OperationalBus,
  Scheduler,
  TaskQueue,
  Tracer,
} from "./model/index.js";
import type {
  ApiKeyStore,
  AttemptStore,
  Db,
  DeliveryStore,
  EndpointHandleStore,
  EndpointStore,
  ErasureStore,
  EventTypeStore,
  FanoutStore,
  FilterCountStore,
  HealthStore,
  MessageStore,
  OrgStore,
  PingStore,
  PortalSessionStore,
  RateLimitStore,
  ReplaySource,
  ScheduleStore,
  TaskStore,
} from "./store/index.js";

export interface Deps {
  config: Config;
  db: Db;
  /** The raw SQS client (entry points and tests); services use `taskQueue`. */
  sqs: SQSClient;
  /** The task queue port (core/model/task-queue.ts): SQS, or memory (core/compose.ts). */
  taskQueue: TaskQueue;
  scheduler: Scheduler;
  /** Where operational events are also put: EventBridge on AWS, nowhere locally (core/operational). */
  operationalBus: OperationalBus;
  /** The local scheduler's entries (SCHEDULER_MODE=local, core/scheduler/local.ts). */
  scheduleStore: ScheduleStore;
  /** Where attempts go (core/delivery/destination.ts): HTTP, or memory in tests and the simulation. */
  destination: Destination;
  /** Spans of events' traces: X-Ray on AWS, nothing locally (core/log/tracer.ts). */
  tracer: Tracer;
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
  /**
   * What this process remembers of its own health writes, per endpoint (core/delivery/health.ts).
   * Bounded (core/compose.ts): a memo holding health not yet written is never dropped.
   */
  healthMemos: Memo<HealthMemo>;
  /**
   * Endpoints whose rate-limit (or trial) slots this process saw busy: endpoint key -> epoch ms
   * when one frees (core/delivery/rate-limit.ts, trial.ts). Bounded: a key forgotten costs one take.
   */
  fullRateWindows: Memo<number>;
  /**
   * This process's share of EventBridge Scheduler's CreateSchedule quota for retries
   * (core/config/capacity.ts): a retry over it waits on the queue (core/delivery/execute.ts).
   */
  retrySchedules: RateBudget;
  /** Organizations, their API keys, portal sessions, endpoints, own event types, filter counts. */
  apiKeyStore: ApiKeyStore;
  endpointStore: EndpointStore;
  /** Integer ids and UUIDs of endpoints, for the API profiles that use them (core/store/endpoint-handles.ts). */
  endpointHandleStore: EndpointHandleStore;
  eventTypeStore: EventTypeStore;
  filterCountStore: FilterCountStore;
  /** The filter counts this process holds before writing them behind (core/filters/counts.ts). */
  filterCounts: FilterCountMemo;
  orgStore: OrgStore;
  portalSessionStore: PortalSessionStore;
  /** Tracked tasks and their item claims (core/store/tasks.ts, core/tasks). */
  taskStore: TaskStore;
  /** Erasures: the subject index, payload removal, the audit items (core/store/erasures.ts, core/erasure). */
  erasureStore: ErasureStore;
  /** What a replay task pages through: the recovery index, or an organization's messages (core/store/replay-source.ts). */
  replaySource: ReplaySource;
}

/** One endpoint's health writes made by this process (so a cached record does not repeat them). */
export interface HealthMemo {
  /** When this process last wrote a healthy state. */
  healedAt?: number;
  /** The last `last_delivery_at` this process wrote (ms). */
  lastDeliveryAt?: number;
  /** This process recorded a failure since it last wrote a healthy state. */
  failedSinceHeal?: boolean;
  /** The endpoint's recent attempts as this process saw them (core/delivery/policy/window.ts). */
  window?: AttemptWindow;
  /** Observations not written yet (refused, or failures spaced), summarized (policy/write-behind.ts). */
  held?: HealthObservation[];
  /** The record they were seen with, for a retry when no batch of the endpoint comes. */
  heldEndpoint?: EndpointRecord;
  /** Health writes of the endpoint that failed in a row, and when the held ones are tried again. */
  failedWrites?: number;
  retryAt?: number;
  /** When this process last wrote the endpoint's failures: spaced (policy/write-behind.ts). */
  failuresWrittenAt?: number;
}

/** One endpoint's filter count as this process holds it (core/filters/counts.ts). */
export interface HeldCount {
  org: string;
  endpointId: string;
  /** Counted and not written yet. */
  n: number;
  /** When this process last wrote (or tried to write) the endpoint's count (ms). */
  writtenAt?: number;
  /** Writes of it DynamoDB refused in a row (a throttled partition): they back off. */
  failedWrites: number;
}

/** The filter counts this process holds, per endpoint (`org/endpointId`), and its one pending timer. */
export interface FilterCountMemo extends HeldTimer {
  held: Map<string, HeldCount>;
}
