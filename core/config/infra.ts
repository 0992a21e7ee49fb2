/**
 * Infrastructure settings shared by `sst.config.ts` and its `infra/` modules (AWS) and `local/`
 * (the embedded stack).
 *
 * One source of truth: the local emulators are created with exactly the queue and table
 * settings that `sst deploy` creates, so what the tests see is what production does.
 * Plain data only: the `infra/` modules (loaded by `sst.config.ts` inside `run()`) import it,
 * and its one import, core/model/limits.ts, is plain data too. The endpoint limits there
 * (retries, timeout) are the ones production enforces; the queue and function settings below
 * are built from them.
 */
import { RETRIES, TIMEOUT_MS } from "../model/index.js";
import {
  API_RESERVED_CONCURRENCY,
  batchSeconds,
  type ConcurrencyLimits,
  concurrencyFor,
  DELIVERY_BATCH,
  targetRates,
} from "./capacity.js";
import { orderedConsumer, orderedQueue } from "./ordered.js";
import { SQS_MAX_MESSAGE_BYTES, SQS_MAX_RETENTION_SECONDS } from "./sqs-limits.js";

const MINUTE = 60;
const HOUR = 60 * MINUTE;

export {
  SQS_FIFO,
  SQS_MAX_DELAY_SECONDS,
  SQS_MAX_IN_FLIGHT,
  SQS_MAX_MESSAGE_BYTES,
  SQS_MAX_RETENTION_SECONDS,
  SQS_MAX_VISIBILITY_SECONDS,
} from "./sqs-limits.js";

export interface QueueSettings {
  /** Logical name: the SST component name and, locally, the queue name. */
  name: string;
  visibilityTimeoutSeconds: number;
  retentionSeconds: number;
  /** Redrive to the DLQ after this many receives: a crash safety net, not the retry policy. */
  maxReceiveCount: number;
  /** `MaximumMessageSize`, set on the queue and its DLQ. */
  maxMessageBytes: number;
  dlq: { name: string; retentionSeconds: number };
  /** A FIFO queue (and DLQ), in high-throughput mode; its SQS name ends in `.fifo`. */
  fifo?: boolean;
}

export interface ConsumerSettings {
  /** Lambda timeout; the queue's visibility timeout must be at least 6x this. */
  timeoutSeconds: number;
  memoryMb: number;
  /** Records per invocation (Lambda SQS event source `batchSize`, 1-10 without a window). */
  batchSize: number;
  /** `maximumBatchingWindowInSeconds`: 0 delivers as soon as messages arrive. */
  batchWindowSeconds: number;
  /**
   * Event source mapping `scalingConfig.maximumConcurrency` (2-1000): sized for 10,000 events/s
   * (core/config/capacity.ts), replaced at deploy time by its variable there.
   */
  maxConcurrency: number;
  /** Long-poll wait of the local event-source emulation. */
  waitTimeSeconds: number;
  /**
   * Parallel pollers of the local event-source emulation (`npm start`, tests, benchmarks):
   * the concurrent invocations the deployment would run, scaled down to one machine.
   */
  localConcurrency: number;
}

export const table = {
  name: "Webhooks",
  partitionKey: "pk",
  sortKey: "sk",
  ttlAttribute: "expires_at",
  /**
   * Global secondary indexes; every access pattern is listed in core/store/keys.ts. GSI1 (all
   * attributes) lists organizations and local schedules; GSI2 is the sparse recovery index of
   * final delivery failures and projects only the keys `recover` reads (docs/cost.md).
   */
  globalIndexes: {
    GSI1: { partitionKey: "gsi1pk", sortKey: "gsi1sk", projection: "all" },
    GSI2: { partitionKey: "gsi2pk", sortKey: "gsi2sk", projection: "keys-only" },
  },
  /**
   * Partitions one organization's messages, and one endpoint's delivery log, are spread over
   * (by a hash of the message id). A partition takes ~1,000 write units/s: 16 shards carry
   * ~16,000 one-unit writes/s per organization (docs/cost.md). It is every organization's
   * count from the start; an organization's own plan raises it for messages created after a
   * time (core/store/shard-plan.ts): changing this value would re-home stored items.
   */
  shards: 16,
  /**
   * How long after a raise of an organization's shard count its new epoch starts: every
   * process re-reads the plan within this time (core/store/shard-plans.ts), so all agree
   * on the shard of every id.
   */
  shardRaiseLeadSeconds: 300,
  /**
   * Partitions of the open fan-out markers (OPEN#{n}, core/store/open-fanouts.ts), shared by
   * every organization: each HTTP-published event puts and deletes one marker (2 one-unit
   * writes), so 32 partitions carry ~16,000 published events/s, above the 10,000 events/s
   * the deployment is sized for (core/config/capacity.ts). The sweep reads all 32 a minute.
   */
  openFanoutShards: 32,
} as const;

/**
 * The fan-out sweep (core/events/sweep.ts): the maintenance event a rate schedule sends the
 * scheduled function (infra/scheduler.ts; the local stack's scheduler poller likewise).
 */
export const fanoutSweep = {
  everyMinutes: 1,
  event: { kind: "fanout.sweep" },
} as const;

export const queues = {
  ingest: {
    name: "IngestQueue",
    // >= 6x the ingest function's timeout (20 s) + its batching window (1 s), as AWS advises.
    visibilityTimeoutSeconds: 3 * MINUTE,
    retentionSeconds: SQS_MAX_RETENTION_SECONDS,
    maxReceiveCount: 5,
    maxMessageBytes: SQS_MAX_MESSAGE_BYTES,
    dlq: { name: "IngestDlq", retentionSeconds: SQS_MAX_RETENTION_SECONDS },
  },
  delivery: {
    name: "DeliveryQueue",
    // >= 6x the delivery function's timeout (130 s with 120 s endpoint timeouts) + its batching
    // window (1 s), as AWS advises.
    visibilityTimeoutSeconds: 15 * MINUTE,
    retentionSeconds: SQS_MAX_RETENTION_SECONDS,
    // Attempts are counted by ApproximateReceiveCount and capped by max_retries (<= RETRIES.max),
    // so RETRIES.max + 1 receives is the most a healthy task needs; the margin of 5 absorbs
    // crashed invocations.
    maxReceiveCount: RETRIES.max + 1 + 5,
    maxMessageBytes: SQS_MAX_MESSAGE_BYTES,
    dlq: { name: "DeliveryDlq", retentionSeconds: SQS_MAX_RETENTION_SECONDS },
  },
  /**
   * The slow lane (docs/delivery.md): tasks of endpoints whose recent attempts were slow or
   * timed out, consumed by its own function with its own concurrency, so they never hold the
   * shared lane. It shares the delivery DLQ.
   */
  deliverySlow: {
    name: "DeliverySlowQueue",
    // >= 6x the slow-lane function's timeout (130 s), as AWS advises.
    visibilityTimeoutSeconds: 15 * MINUTE,
    retentionSeconds: SQS_MAX_RETENTION_SECONDS,
    maxReceiveCount: 16,
    maxMessageBytes: SQS_MAX_MESSAGE_BYTES,
    dlq: { name: "DeliveryDlq", retentionSeconds: SQS_MAX_RETENTION_SECONDS },
  },
  deliveryOrdered: orderedQueue,
} as const satisfies Record<string, QueueSettings>;

/** Records per second at the sizing target (core/config/capacity.ts). */
const rates = targetRates();
/** Records per invocation of every consumer: the most an event source takes without a window. */
const BATCH = 10;

export const functions = {
  api: { timeoutSeconds: 29, memoryMb: 1024 },
  ingest: {
    timeoutSeconds: 20,
    memoryMb: 512,
    batchSize: BATCH,
    batchWindowSeconds: 1,
    // 10,000 events/s × 0.1 s per batch ÷ 10 × 1.5 = 150.
    maxConcurrency: concurrencyFor(rates.ingest, BATCH, batchSeconds.ingest),
    waitTimeSeconds: 1,
    localConcurrency: 4,
  },
  // Records of a batch are sent concurrently: the longest endpoint timeout plus 10 s covers one.
  // Batching window 1 s: below ~10 tasks per second per poller, the event source waits up to
  // 1 s (unbilled) to fill a batch, so one invocation's wall time carries up to 20 concurrent
  // I/O-bound requests instead of one: compute per delivery drops up to 20x for at most 1 s of
  // added latency, and none once the queue holds full batches (docs/cost.md).
  deliver: {
    timeoutSeconds: TIMEOUT_MS.max / 1000 + 10,
    memoryMb: 1024,
    batchSize: DELIVERY_BATCH,
    batchWindowSeconds: 1,
    // 29,700 deliveries/s × 0.38 s per batch ÷ 20 × 1.5 = 847 (capacity.ts).
    maxConcurrency: concurrencyFor(rates.deliver, DELIVERY_BATCH, batchSeconds.deliver),
    waitTimeSeconds: 1,
    localConcurrency: 8,
  },
  // The slow lane: the same code and timeout, fewer concurrent invocations (it may wait up to
  // the longest endpoint timeout per request), so a slow endpoint costs at most this much of
  // the account's concurrency.
  deliverSlow: {
    timeoutSeconds: TIMEOUT_MS.max / 1000 + 10,
    memoryMb: 1024,
    batchSize: BATCH,
    batchWindowSeconds: 0,
    // 300 deliveries/s × 8 s per batch ÷ 10 × 1.5 = 360 (3,600 slow requests at once).
    maxConcurrency: concurrencyFor(rates.deliverSlow, BATCH, batchSeconds.deliverSlow),
    waitTimeSeconds: 1,
    localConcurrency: 4,
  },
  deliverOrdered: orderedConsumer,
  scheduled: { timeoutSeconds: 60, memoryMb: 512 },
} as const;

/**
 * The default concurrency limits of a deployment; `concurrencyLimits(concurrency, process.env)`
 * (core/config/capacity.ts) applies the deploy-time overrides.
 */
export const concurrency: ConcurrencyLimits = {
  ingest: functions.ingest.maxConcurrency,
  deliver: functions.deliver.maxConcurrency,
  deliverSlow: functions.deliverSlow.maxConcurrency,
  deliverOrdered: functions.deliverOrdered.maxConcurrency,
  apiReserved: API_RESERVED_CONCURRENCY,
};

/**
 * How every function is bundled (SST's esbuild; `npm run bench` builds the same way).
 *
 * - `splitting`: code behind a dynamic `import()` (ajv and the RE2 engine, loaded by
 *   core/json-schema/validator.ts on the first schema) goes into a chunk next to the bundle and
 *   is loaded on first use instead of at every cold start.
 * - `plugins` (infra/bundle-plugins.mjs, a path from the project root): zod's error messages in
 *   English only, not its 40 translations (260 KB the API would otherwise carry). SST marks
 *   this option internal; were it ever ignored, the bundle would only be larger.
 * - The AWS SDK is bundled (minified, tree-shaken): loading the runtime's copy from
 *   /var/runtime/node_modules instead makes the bundles ~300 KB smaller but the module init
 *   30–45 % slower (measured with bench/cold-start.ts, docs/cost.md). Only its credential providers
 *   other than the environment one are left out: on Lambda the credentials are always in the
 *   environment, so the chain stops at the first provider and the others (SSO, profiles, web
 *   identity, container and instance metadata, with their nested STS/SSO clients) are never
 *   loaded; should one be needed, the runtime ships them, so the import still resolves there.
 * - `minify` must be set explicitly: SST's bundler treats "unset" as false.
 * - package.json says `"sideEffects": false`: no module of the project does anything at import
 *   time that another relies on (no registration, no global patching, no bare `import "./x"`),
 *   so esbuild may drop a module none of whose exports a function uses. Each folder of core/
 *   is imported through its index.ts (docs/design.md, "Layers"), which re-exports the whole
 *   folder's contract; without the flag every module of the folder would be bundled for its
 *   top-level constants.
 */
export const bundle = {
  minify: true,
  splitting: true,
  plugins: "infra/bundle-plugins.mjs",
  external: [
    "@aws-sdk/credential-provider-sso",
    "@aws-sdk/credential-provider-ini",
    "@aws-sdk/credential-provider-process",
    "@aws-sdk/credential-provider-web-identity",
    "@aws-sdk/credential-provider-http",
    "@smithy/credential-provider-imds",
  ],
} as const;

export const retry = {
  /** Delays after attempt 1, 2, 3, ...; the last one repeats (Standard Webhooks / Svix style). */
  scheduleSeconds: [5, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR] as const,
  jitter: 0.1,
} as const;

/** Per-endpoint isolation defaults (docs/delivery.md), most overridable by the variables of core/config/runtime.ts. */
export const isolation = {
  /** Consecutive failed attempts that open a breaker (BREAKER_FAILURES). */
  breakerFailures: 10,
  /** An open breaker parks deliveries this long, then lets one probe through (longer as the outage lasts). */
  breakerCooldownSeconds: 60,
  /** The longest cooldown: a quarter of the outage so far, up to this (policy/breaker.ts). */
  breakerCooldownMaxSeconds: HOUR,
  /** Longest request the shared (fast) lane waits for before moving the endpoint to the slow lane. */
  fastLaneBudgetMs: 2_000,
  /** How long one slow attempt keeps an endpoint in the slow lane. */
  slowLaneSeconds: 10 * MINUTE,
  /** Waits up to this are held as a visibility timeout; longer ones are re-sent with a delay. */
  shortWaitSeconds: MINUTE,
  /** The window each process judges an endpoint's failure rate and latency over (policy/window.ts). */
  windowSeconds: MINUTE,
  /** Attempts the window needs before its failure rate can open the breaker. */
  windowMinRequests: 20,
  /** Share of the window's attempts that failed which opens the breaker (above 50 %: a 200/500 alternation is not cut off). */
  breakerFailureRate: 0.8,
  /** An endpoint whose median answer takes more than this share of the fast-lane budget moves to the slow lane. */
  slowFraction: 0.5,
  /** Requests at a time (all processes) the shared lane makes to an endpoint with no recent fast answer (policy/trial.ts). */
  trialInFlight: 2,
  /**
   * A task that has been on a queue this long (since SQS's SentTimestamp) is parked in the table
   * instead of tried, and resumed as a fresh message: half SQS's 14-day retention, so a lane that
   * stays behind for days loses nothing to retention (PARK_AFTER_QUEUED_SECONDS, policy/retention.ts).
   */
  parkAfterQueuedSeconds: 7 * 24 * HOUR,
  resumePerSecond: 1_000, // parked deliveries re-enqueued a second per endpoint at most (policy/resume-pace.ts)
} as const;

export const retention = {
  eventDays: 30,
  attemptDays: 30,
  idempotencyHours: 24,
} as const;
