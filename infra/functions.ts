/**
 * The Lambda functions: defaults for all of them, the scheduled-work function, and the four
 * queue consumers (ingest, delivery, the slow delivery lane, ordered delivery). Memory, timeouts, batching and
 * concurrency come from core/config/infra.ts, which the local event-source emulation uses too.
 */
import { concurrencyLimits, retrySchedulesPerInstance } from "../core/config/capacity.js";
import { bundle, type ConsumerSettings, concurrency, functions as fn } from "../core/config/infra.js";
import { assumeCustomerRoles, type Environment, type PermissionList, type Permissions } from "./access.js";
import type { Queues } from "./queues.js";
import { megabytes, type Stage, seconds } from "./stage.js";

/**
 * Defaults for every function created after this call.
 * arm64 is ~20 % cheaper per GB-s than x86_64 and the code has no native modules.
 * nodejs24.x: the newest Lambda Node.js runtime (and SST's default); the code targets ES2023.
 */
export function setFunctionDefaults(stage: Stage): void {
  $transform(sst.aws.Function, (args) => {
    args.runtime ??= "nodejs24.x";
    args.architecture ??= "arm64";
    args.logging ??= { retention: stage.isProd ? "3 months" : "1 week", format: "json" };
    args.nodejs ??= bundling();
    args.transform = { ...args.transform, function: activeTracing(args.transform?.function) };
  });
}

type FunctionTransform = NonNullable<NonNullable<sst.aws.FunctionArgs["transform"]>["function"]>;

/**
 * X-Ray active tracing on every function (docs/tracing.md): Lambda records each invocation as a
 * segment (sampled by X-Ray's rules), with no SDK, layer or collector in the function. Keeps a
 * function's own transform, if it has one.
 */
function activeTracing(own: FunctionTransform | undefined): FunctionTransform {
  return (args, opts, name) => {
    if (typeof own === "function") own(args, opts, name);
    else if (own) Object.assign(args, own);
    args.tracingConfig = { mode: "Active" };
    return undefined;
  };
}

/**
 * How every function is bundled: minified, lazy code split into chunks, zod in English only
 * (core/config/infra.ts `bundle`, docs/cost.md). A function that sets its own `nodejs` replaces
 * the default above entirely, so it spreads this into its own (infra/api.ts).
 */
export function bundling() {
  return {
    minify: bundle.minify,
    splitting: bundle.splitting,
    plugins: bundle.plugins,
    esbuild: { external: [...bundle.external] },
  };
}

/**
 * Scheduled work, invoked by one-time schedules with a JSON event.
 * 512 MB / 60 s: it runs rarely (deliver_at releases, the auto-disable timer) and may page
 * through an endpoint's deliveries; it is not latency-sensitive.
 *
 * EventBridge Scheduler invokes it asynchronously: Lambda retries a failed run twice, then
 * drops it unless the function has an on-failure destination, so a run that fails three times
 * goes to the scheduler's DLQ (alarmed), like an invocation the scheduler itself gave up on.
 * It needs its own ARN (it may schedule further maintenance): functions/scheduled.ts reads it
 * from the invocation's context, so no variable has to be added after the function exists.
 */
export function createScheduledFunction(
  environment: Environment,
  permissions: Permissions,
  schedulerDlq: sst.aws.Queue,
): sst.aws.Function {
  const scheduled = new sst.aws.Function("Scheduled", {
    handler: "functions/scheduled.handler",
    description: "One-time schedules: deliver_at releases, endpoint auto-disable timers",
    memory: megabytes(fn.scheduled.memoryMb),
    timeout: seconds(fn.scheduled.timeoutSeconds),
    environment,
    permissions,
  });
  new aws.lambda.FunctionEventInvokeConfig("ScheduledOnFailure", {
    functionName: scheduled.name,
    maximumRetryAttempts: 2,
    destinationConfig: { onFailure: { destination: schedulerDlq.arn } },
  });
  return scheduled;
}

/** The function consuming `queue` in batches, reporting failures per record. */
function subscribe(
  queue: sst.aws.Queue,
  handler: string,
  description: string,
  settings: ConsumerSettings,
  access: { environment: Environment; permissions: Permissions },
) {
  return queue.subscribe(
    {
      handler,
      description,
      memory: megabytes(settings.memoryMb),
      timeout: seconds(settings.timeoutSeconds),
      environment: access.environment,
      permissions: access.permissions,
    },
    {
      batch: {
        size: settings.batchSize,
        window: seconds(settings.batchWindowSeconds),
        partialResponses: true,
      },
      transform: {
        // Caps the load on receivers and on the account's Lambda concurrency.
        eventSourceMapping: { scalingConfig: { maximumConcurrency: settings.maxConcurrency } },
      },
    },
  );
}

export type Consumer = ReturnType<typeof subscribe>;

/**
 * Each consumer's `maximumConcurrency` and the API's reservation: the defaults sized for 10,000 events/s, or the deploy-time
 * variables (`DELIVER_MAX_CONCURRENCY=…`, core/config/capacity.ts) that replace them.
 */
export function deployedConcurrency(env: Record<string, string | undefined> = process.env) {
  return concurrencyLimits(concurrency, env);
}

export function createConsumers(
  queues: Queues,
  access: { environment: Environment; permissions: PermissionList },
): { ingest: Consumer; deliver: Consumer; deliverSlow: Consumer; deliverOrdered: Consumer } {
  const limits = deployedConcurrency();
  // Each delivery process's share of the CreateSchedule quota, from the concurrency deployed.
  const delivering = {
    // Only the delivery functions assume customers' roles (AWS endpoints, docs/destinations.md).
    permissions: [...access.permissions, ...assumeCustomerRoles()],
    environment: {
      ...access.environment,
      RETRY_SCHEDULES_PER_SECOND: String(retrySchedulesPerInstance(limits)),
    },
  };
  // Ingest: validate, store, fan out one task per matching endpoint. 512 MB / 20 s: a batch
  // of 10 small JSON messages needs a few DynamoDB calls and one SendMessageBatch per 10
  // tasks; the time limit only bounds a stuck batch.
  const ingest = subscribe(
    queues.ingest,
    "functions/ingest.handler",
    "Ingest queue consumer: validate, store, fan out",
    { ...fn.ingest, maxConcurrency: limits.ingest },
    access,
  );
  // Delivery: sign and POST. 1024 MB: the records of a batch are sent concurrently, and TLS
  // handshakes plus HMAC signing are CPU-bound, so more memory (= more CPU) shortens the billed
  // time of I/O-heavy batches. 130 s: the longest endpoint timeout is 120 s, plus the writes
  // that record the outcome.
  const deliver = subscribe(
    queues.delivery,
    "functions/deliver.handler",
    "Delivery queue consumer: sign, send, record, retry",
    { ...fn.deliver, maxConcurrency: limits.deliver },
    delivering,
  );
  // The slow lane, for endpoints whose attempts outlast the shared lane's budget: same code,
  // its own queue and a smaller concurrency, so a slow or hanging endpoint can hold at most
  // this function's invocations, never the shared lane's (docs/delivery.md).
  const deliverSlow = subscribe(
    queues.deliverySlow,
    "functions/deliver-slow.handler",
    "Slow delivery lane: endpoints whose recent attempts were slow or timed out",
    { ...fn.deliverSlow, maxConcurrency: limits.deliverSlow },
    delivering,
  );
  // Ordered endpoints (docs/delivery.md, "Ordered delivery"): the FIFO queue, one group's records
  // one after another; a failing head holds its group on its visibility timeout.
  const deliverOrdered = subscribe(
    queues.deliveryOrdered,
    "functions/deliver-ordered.handler",
    "Ordered delivery: ordered endpoints' FIFO queue, one event at a time per group",
    { ...fn.deliverOrdered, maxConcurrency: limits.deliverOrdered },
    delivering,
  );
  return { ingest, deliver, deliverSlow, deliverOrdered };
}
