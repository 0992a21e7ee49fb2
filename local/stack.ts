/**
 * The whole service on one machine: DynamoDB Local and fauxqs, the table and queues as
 * `sst deploy` creates them, the Hono API on @hono/node-server, the ingest and delivery
 * functions behind the Lambda event-source emulation, and the local scheduler.
 *
 * Used by `npm start`, the end-to-end tests and the benchmarks.
 */
import { join } from "node:path";
import type { Deps } from "../core/all-deps.js";
import { createDeps } from "../core/compose.js";
import {
  type Config,
  fanoutSweep,
  functions,
  loadConfig,
  SQS_FIFO,
  SQS_MAX_IN_FLIGHT,
} from "../core/config/index.js";
import { writeAllHeldHealth } from "../core/delivery/index.js";
import { writeAllFilterCounts } from "../core/filters/index.js";
import { fireDueSchedules } from "../core/scheduler/index.js";
import { startDynamo } from "./dynamodb.js";
import { type EventSource, type InFlightStats, startEventSource } from "./event-source.js";
import { type HandlerSet, localHandlers } from "./handlers.js";
import { assertPortFree } from "./ports.js";
import { LOCAL_DEFAULTS, provision } from "./provision.js";
import { serveApi } from "./server.js";
import { startSqs } from "./sqs.js";

export interface LocalStackOptions {
  /** Persist DynamoDB (`dynamodb/`) and the queues (`sqs/`) here (`npm start`); in memory when unset. */
  dataDir?: string;
  /** API port; 0 picks a free one. */
  port?: number;
  /** Extra configuration (any variable of core/config/runtime.ts). */
  env?: Record<string, string>;
  /** Reuse running emulators (tests) instead of starting new ones. */
  emulators?: { dynamodbEndpoint: string; sqsEndpoint: string; suffix: string };
  /** Replace the handlers the pollers invoke (fault injection in tests, counting in benchmarks). */
  wrap?: (handlers: HandlerSet) => HandlerSet;
  /** In-flight cap of every queue (SQS's ~120,000 by default); tests scale it down. */
  inFlightCap?: number;
  /** Concurrent invocations per event source (functions in core/config/infra.ts by default). */
  concurrency?: Partial<Record<"ingest" | "delivery" | "slow" | "ordered", number>>;
}

export interface LocalStack {
  url: string;
  config: Config;
  deps: Deps;
  env: Record<string, string>;
  health(): Promise<Record<string, string>>;
  /** Peak in-flight count and capped receives per queue, since the start. */
  inFlight(): Record<string, InFlightStats>;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  // CloudWatch metrics are log lines on Lambda; locally they would only drown the output.
  process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
  if (options.port) await assertPortFree(options.port, "API");
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
  try {
    let emulators = options.emulators;
    if (!emulators) {
      const dir = options.dataDir;
      const [dynamo, sqs] = await Promise.all([
        startDynamo({ dataDir: dir && join(dir, "dynamodb") }),
        startSqs({ dataDir: dir && join(dir, "sqs") }),
      ]);
      stops.push(dynamo.stop, sqs.stop);
      emulators = { dynamodbEndpoint: dynamo.endpoint, sqsEndpoint: sqs.endpoint, suffix: "" };
    }
    const env = { ...(await provision(emulators)), ...localSettings(options.dataDir), ...options.env };
    const config = loadConfig({ ...process.env, ...env });
    const deps = createDeps(config);
    // After the pollers' last batches (stops run in reverse), before DynamoDB stops: the health
    // and filter counts the process holds behind their spacing are written, not lost
    // (core/delivery/health.ts, core/filters/counts.ts).
    stops.push(async () => {
      await Promise.all([writeAllHeldHealth(deps), writeAllFilterCounts(deps)]);
    });
    const handlers = (options.wrap ?? ((h) => h))(localHandlers(deps));
    const inFlightCap = options.inFlightCap ?? SQS_MAX_IN_FLIGHT;

    const sources: Record<string, EventSource> = {
      ingest: startEventSource({
        sqs: deps.sqs,
        queueUrl: config.queues.ingest,
        queueArn: env.INGEST_QUEUE_ARN!,
        handler: handlers.ingest,
        batchSize: functions.ingest.batchSize,
        concurrency: options.concurrency?.ingest ?? functions.ingest.localConcurrency,
        waitTimeSeconds: functions.ingest.waitTimeSeconds,
        inFlightCap,
      }),
      delivery: startEventSource({
        sqs: deps.sqs,
        queueUrl: config.queues.delivery,
        queueArn: env.DELIVERY_QUEUE_ARN!,
        handler: handlers.deliver,
        batchSize: functions.deliver.batchSize,
        concurrency: options.concurrency?.delivery ?? functions.deliver.localConcurrency,
        waitTimeSeconds: functions.deliver.waitTimeSeconds,
        inFlightCap,
      }),
      slow: startEventSource({
        sqs: deps.sqs,
        queueUrl: config.queues.deliverySlow,
        queueArn: env.DELIVERY_SLOW_QUEUE_ARN!,
        handler: handlers.deliverSlow,
        batchSize: functions.deliverSlow.batchSize,
        concurrency: options.concurrency?.slow ?? functions.deliverSlow.localConcurrency,
        waitTimeSeconds: functions.deliverSlow.waitTimeSeconds,
        inFlightCap,
      }),
      ordered: startEventSource({
        sqs: deps.sqs,
        queueUrl: config.queues.deliveryOrdered,
        queueArn: env.DELIVERY_ORDERED_QUEUE_ARN!,
        handler: handlers.deliverOrdered,
        batchSize: functions.deliverOrdered.batchSize,
        concurrency: options.concurrency?.ordered ?? functions.deliverOrdered.localConcurrency,
        waitTimeSeconds: functions.deliverOrdered.waitTimeSeconds,
        // A FIFO queue holds at most 20,000 in flight.
        inFlightCap: Math.min(inFlightCap, SQS_FIFO.maxInFlight),
      }),
    };
    for (const s of Object.values(sources)) stops.push(() => s.stop());

    const scheduler = startSchedulerPoller(deps, handlers);
    stops.push(scheduler.stop);

    const health = async (): Promise<Record<string, string>> => ({
      ...(await handlers.health()),
      ingest_poller: "ok",
      delivery_poller: "ok",
      slow_lane_poller: "ok",
      ordered_poller: "ok",
      scheduler: scheduler.lastError ?? "ok",
    });
    const app = handlers.app(health);
    const server = await serveApi(app.fetch, options.port ?? 0);
    stops.push(server.close);

    const inFlight = () => Object.fromEntries(Object.entries(sources).map(([k, s]) => [k, s.stats()]));
    return { url: server.url, config, deps, env, health, inFlight, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * The local defaults, each overridden by the developer's environment when set there: local
 * provisioning must not silently turn the SSRF guard back off. With a data directory, the
 * secrets key file lives there, next to the table whose secrets it protects.
 */
function localSettings(dataDir: string | undefined): Record<string, string> {
  const defaults: Record<string, string> = {
    ...LOCAL_DEFAULTS,
    ...(dataDir ? { SECRETS_KEY_FILE: join(dataDir, "secrets.key") } : {}),
  };
  return Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, process.env[k] || v]));
}

/**
 * Polls the local scheduler's due entries once a second, and runs the fan-out sweep every
 * `fanoutSweep.everyMinutes` (EventBridge Scheduler's one-time and rate schedules on AWS).
 */
function startSchedulerPoller(deps: Deps, handlers: HandlerSet) {
  const state: { lastError?: string; stop: () => Promise<void> } = { stop: async () => {} };
  let stopped = false;
  let wake: (() => void) | undefined;
  let lastSweep = Number.NEGATIVE_INFINITY;
  // One run at a time: a slow run must not overlap the next and fire its entries twice.
  const loop = (async () => {
    while (!stopped) {
      try {
        await fireDueSchedules(deps, deps.now(), handlers.maintenance);
        if (deps.now().getTime() - lastSweep >= fanoutSweep.everyMinutes * 60_000) {
          lastSweep = deps.now().getTime();
          await handlers.maintenance(fanoutSweep.event);
        }
        state.lastError = undefined;
      } catch (err) {
        state.lastError = `error: ${(err as Error).message}`;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  state.stop = async () => {
    stopped = true;
    wake?.();
    await loop;
  };
  return state;
}
