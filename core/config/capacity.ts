/**
 * How much Lambda concurrency the service asks for, and why (docs/scale.md, docs/cost.md).
 *
 * The defaults are sized for {@link target}: 10,000 events/s. Each queue consumer needs about
 * `rate × batch time ÷ batch size` concurrent invocations (Little's law), times a headroom for
 * bursts and latency tails; the batch times are the AWS latencies each batch waits for, listed
 * below. A deployment changes them at deploy time, without code, through the variables named in
 * {@link overrideVariables} (`INGEST_MAX_CONCURRENCY=300 npx sst deploy`); test/infra-settings.unit.test.ts
 * checks the sizing and the bounds AWS enforces.
 *
 * Plain data and pure functions only: infra/ imports it inside SST's `run()`.
 */

/** The traffic the defaults are sized for. */
export const target = {
  eventsPerSecond: 10_000,
  /**
   * Endpoints per event, on average: the `steady-10k` scenario's mix of 1 to 5 (docs/scale.md),
   * 107.4 M deliveries of 36.0 M events, 2.98. Sized for 2 before, which left the delivery
   * lane no headroom at that mix (the simulation at k 400: backlog growing, p95 5 s).
   */
  meanFanout: 3,
  /** Share of deliveries whose endpoint is in the slow lane (slow or timing out, 1 %). */
  slowShare: 0.01,
  /**
   * Share of deliveries whose endpoint is ordered (1 %): strict ordering is opt-in. The ordered
   * lane is sized on top of the others, not carved out of them: an owner may make an endpoint
   * ordered at any time, and the shared lane keeps its size when one does.
   */
  orderedShare: 0.01,
  /** Bursts and latency tails: each mapping may run this much above the steady need. */
  headroom: 1.5,
} as const;

/**
 * The delivery lane's records per invocation. A standard queue's event source takes up to
 * 10,000 once `maximumBatchingWindowInSeconds` is at least 1 ("when you set BatchSize to a value
 * greater than 10, you must set MaximumBatchingWindowInSeconds to at least 1",
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html). The records
 * are sent concurrently, so 20 take about the time of 10: at the target's fan-out 3, 1,000
 * invocations of 10 were the lane's whole capacity (docs/scale.md, steady-10k), 20 a batch
 * leave it headroom. The function timeout and the memory cover 20 requests at once: each is
 * bounded by its endpoint timeout and its response-size cap (docs/delivery.md).
 */
export const DELIVERY_BATCH = 20;

/**
 * Wall time of one full batch, in seconds, at AWS latencies (same region):
 * - ingest: one conditional PutItem per event (~10 ms, concurrent), SendMessageBatch of the
 *   tasks (~20 ms per 10, concurrent), one BatchWriteItem of the completions (~15 ms), the
 *   endpoint directory and the catalog from cache, plus the poller's hand-over: ~0.1 s;
 * - delivery, a batch of 20 (DELIVERY_BATCH): the records are sent concurrently, so a
 *   batch waits for its slowest receiver (p50 ~100 ms, the slowest of 20 ~250 ms, at most the
 *   2 s fast-lane budget) plus the delivery-log BatchWriteItems and the health writes (~70 ms);
 *   sized at 0.38 s, what a full batch of 20 of the simulation's receivers takes (docs/scale.md);
 * - slow lane: endpoints that answer in seconds; sized at 8 s per batch;
 * - ordered lane: a batch may hold 10 records of one group, sent one after another, each waiting
 *   for its receiver (~0.25 s) and for the writes and the delete its group waits on (~0.08 s):
 *   ~3.33 s.
 */
export const batchSeconds = { ingest: 0.1, deliver: 0.38, deliverSlow: 8, deliverOrdered: 3.33 } as const;

/**
 * Lambda's bounds on an SQS event source's `maximumConcurrency`. In batches of 10 the delivery
 * lane needed more than the maximum at the target, and 1,000 carried ~29,000 deliveries/s at the
 * simulation's 0.35 s a batch: no headroom (docs/scale.md, steady-10k). In batches of 20 it
 * needs 29,700 × 0.38 s ÷ 20 × 1.5 = 847, which carries 44,600/s.
 */
export const MAX_CONCURRENCY_BOUNDS = { min: 2, max: 1_000 } as const;

/** Records per second each consumer must carry at the target. */
export function targetRates(t: typeof target = target) {
  const deliveries = t.eventsPerSecond * t.meanFanout;
  return {
    ingest: t.eventsPerSecond,
    deliver: deliveries * (1 - t.slowShare),
    deliverSlow: deliveries * t.slowShare,
    deliverOrdered: deliveries * t.orderedShare,
  };
}

/** Concurrent invocations that carry `ratePerSecond` records in batches of `batchSize`. */
export function concurrencyFor(
  ratePerSecond: number,
  batchSize: number,
  seconds: number,
  headroom: number = target.headroom,
): number {
  const need = Math.ceil((ratePerSecond * seconds * headroom) / batchSize);
  return Math.min(MAX_CONCURRENCY_BOUNDS.max, Math.max(MAX_CONCURRENCY_BOUNDS.min, need));
}

/** One API request's time at AWS latencies: a publish is one conditional PutItem and one SendMessage. */
export const API_REQUEST_SECONDS = 0.03;

/**
 * The API's reserved concurrency: its share of the account's pool, which no queue consumer
 * can take (consumers scale up by ~300 invocations a minute until their `maximumConcurrency`
 * or the account limit). Sized like a mapping, for the target's events published over HTTP one
 * a request: 10,000/s × 30 ms × 1.5 = 450, which carries 15,000 requests/s (the `api-publish`
 * scenario: 100 carried ~3,500 of 10,000 publishes/s, docs/scale.md). AWS keeps 100 of the
 * account's concurrency unreserved, so an account below 550 (new accounts start lower) deploys
 * with a smaller `API_RESERVED_CONCURRENCY`, or 0 (no reservation).
 */
export const API_RESERVED_CONCURRENCY = Math.ceil(
  target.eventsPerSecond * API_REQUEST_SECONDS * target.headroom,
);

/**
 * The account's concurrency the defaults need: every mapping at its maximum (ingest 150,
 * delivery 847, slow lane 360, ordered lane 150), the API's reservation (450): 1,957, plus the
 * 100 AWS keeps unreserved, where the scheduled-work function runs: 2,057. Lambda's default is
 * 1,000 per region: request this quota before sending 10,000 events/s (docs/scale.md).
 */
export const ACCOUNT_CONCURRENCY_FOR_TARGET = 2_500;

/** EventBridge Scheduler's `CreateSchedule` quota, requests per second per Region (not adjustable upwards here). */
export const CREATE_SCHEDULE_PER_SECOND = 5_000;

/**
 * Share of that quota retries may take: the rest is left for `deliver_at` fan-outs, auto-disable
 * timers and resumes, which are few but must not be refused.
 */
export const RETRY_SCHEDULE_SHARE = 0.4;

/**
 * Retry schedules one delivery process may create per second: the retries' share of the quota
 * divided among every delivery invocation that can run at once (both lanes' `maximumConcurrency`).
 * Each process also keeps a burst of as much (core/lib/rate-budget.ts), so all of them together
 * ask for at most twice the share, 80 % of the quota, in any second; a retry over its process's
 * budget waits on the queue instead (core/delivery/execute.ts), never burning an attempt.
 */
export function retrySchedulesPerInstance(
  limits: Pick<ConcurrencyLimits, "deliver" | "deliverSlow">,
): number {
  return (CREATE_SCHEDULE_PER_SECOND * RETRY_SCHEDULE_SHARE) / (limits.deliver + limits.deliverSlow);
}

/** Deploy-time variables that replace a default (infra/functions.ts, infra/api.ts read them). */
export const overrideVariables = {
  ingest: "INGEST_MAX_CONCURRENCY",
  deliver: "DELIVER_MAX_CONCURRENCY",
  deliverSlow: "DELIVER_SLOW_MAX_CONCURRENCY",
  deliverOrdered: "DELIVER_ORDERED_MAX_CONCURRENCY",
  apiReserved: "API_RESERVED_CONCURRENCY",
} as const;

export interface ConcurrencyLimits {
  ingest: number;
  deliver: number;
  deliverSlow: number;
  deliverOrdered: number;
  /** 0 = no reservation. */
  apiReserved: number;
}

/**
 * The limits a deployment gets: `defaults`, each replaced by its variable in `env` when set.
 * Throws on a value AWS would refuse (a mapping outside 2–1,000, a negative reservation), so
 * a typo fails the deploy before anything is created.
 */
export function concurrencyLimits(
  defaults: ConcurrencyLimits,
  env: Record<string, string | undefined> = {},
): ConcurrencyLimits {
  const pick = (key: keyof ConcurrencyLimits, min: number, max: number): number => {
    const raw = env[overrideVariables[key]];
    if (raw === undefined || raw === "") return defaults[key];
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`${overrideVariables[key]} must be an integer from ${min} to ${max}, not "${raw}"`);
    }
    return n;
  };
  const { min, max } = MAX_CONCURRENCY_BOUNDS;
  return {
    ingest: pick("ingest", min, max),
    deliver: pick("deliver", min, max),
    deliverSlow: pick("deliverSlow", min, max),
    deliverOrdered: pick("deliverOrdered", min, max),
    apiReserved: pick("apiReserved", 0, 10_000),
  };
}
