/**
 * One run of a scenario (with its fault, or without it as the baseline): builds the world,
 * seeds the tenants, publishes, runs the clock, and reads the figures off the models.
 */
import { logger } from "../core/log/index.js";
import { type BacklogLeft, backlogLeft } from "./backlog.js";
import { holdersOf, lostDeliveries } from "./lost.js";
import { OrderCheck, type OrderFigures } from "./order-check.js";
import { Delays, type Percentiles } from "./stats.js";
import { type Group, publish, type Seeded, seed } from "./tenants.js";
import { QUEUE, World, type WorldSettings } from "./world.js";

export interface RunSpec {
  groups: Group[];
  /** Seconds of traffic, then `drainSeconds` more with no new events. */
  seconds: number;
  drainSeconds?: number;
  /** When the fault starts and ends (seconds), for the per-hour figures. */
  faultFrom?: number;
  faultTo?: number;
  world?: Omit<WorldSettings, "seed">;
  /** Events published in the first seconds are left out of the delay figures (the start-up transient). */
  warmupSeconds?: number;
  /** Applied to the world once seeded (e.g. DynamoDB throttling for a while). */
  arrange?: (world: World, faulty: boolean, t0: number) => void;
  /** Events `arrange` publishes itself, beside the groups' (the calibration's publisher): counted in `events`. */
  arrangedEvents?: number;
  /** The ordered endpoints' key value whose event the fault holds (its delays apart: sim/order-check.ts). */
  heldKey?: string;
}

export interface RunFigures {
  simulated_seconds: number;
  events: number;
  deliveries: number;
  /**
   * Accepted deliveries neither answered 2xx, nor ended by their policy, nor held by anything
   * when the run ends (sim/lost.ts), plus the events lost to retention before their fan-out.
   */
  lost: number;
  /** Scheduled runs Lambda dropped after its two retries: not lost by themselves (sim/lost.ts). */
  scheduled_runs_dropped: number;
  duplicates: number;
  healthy: Percentiles;
  /** Deliveries the `healthy` percentiles are of (tenants not at fault, after the warm-up). */
  healthy_deliveries: number;
  healthy_by_hour: (Percentiles & { hour: number })[];
  max_in_flight: Record<string, number>;
  max_partition_wcu_per_s: number;
  max_partition_wcu_key: string;
  max_partition_rcu_per_s: number;
  max_seconds_over_partition_limit: number;
  throttled_writes_dropped: number;
  max_create_schedule_per_s: number;
  pending_schedules_max: number;
  bad_endpoint_requests_per_hour: { first: number; last: number };
  bad_endpoint_resends_per_hour: { first: number; last: number };
  lost_to_retention: number;
  cost_per_million_usd: number;
  dead_lettered: number;
  /** The faulty tenants' deliveries not delivered nor ended by their policy when the run ends (backlog.ts). */
  backlog_left: BacklogLeft;
  counters: Record<string, number>;
  /** Every model's per-second peaks (KMS requests, table units, API requests, concurrency...). */
  maxima: Record<string, number>;
  steps: number;
  /** Ordered endpoints' deliveries: order per key, once each (scenarios with an ordered group). */
  ordered?: OrderFigures;
}

/** Log lines that mean a write was given up (counted, not printed). */
const DROPS = ["delivery log write failed", "endpoint health update failed"];

function hookLogger(world: World, meter: { count(n: string, v?: number): void }, meanK: () => number) {
  const saved = { error: logger.error, warn: logger.warn, info: logger.info };
  const count = (msg: unknown, attrs: unknown) => {
    const text = String(msg);
    const items = (attrs as { items?: number } | undefined)?.items ?? 1;
    if (DROPS.includes(text) && process.env.SIM_DEBUG) console.error(text, attrs);
    if (DROPS.includes(text)) meter.count("throttled_writes_dropped", items * meanK());
    meter.count(`log:${text}`, 1);
  };
  logger.error = ((m: unknown, a: unknown) => count(m, a)) as typeof logger.error;
  logger.warn = ((m: unknown, a: unknown) => count(m, a)) as typeof logger.warn;
  logger.info = (() => {}) as typeof logger.info;
  void world;
  return () => Object.assign(logger, saved);
}

export async function runOnce(spec: RunSpec, seed_: number, faulty: boolean): Promise<RunFigures> {
  const world = new World({ seed: seed_, ...spec.world });
  const undo = world.receivers.install();
  let events = 0;
  const meanK = () => (events > 0 ? events / Math.max(1, world.meter.get("sim_events")) : 1);
  const unhook = hookLogger(world, world.meter, meanK);
  try {
    // The seeding may wait on real work (the KMS SDK's first, lazy import): settle() gives it turns.
    const seeded: Seeded = await world.engine.settle(seed(world, spec.groups, faulty));
    world.meter.reset();
    const t0 = world.engine.t;
    world.t0 = t0;
    const figures = observe(world, seeded, spec, t0, faulty);
    world.start();
    spec.arrange?.(world, faulty, t0);
    events = (spec.arrangedEvents ?? 0) + publish(world, spec.groups, spec.seconds, t0);
    world.meter.count(
      "sim_events",
      spec.groups.reduce(
        (n, g) =>
          n + Math.floor(((Math.min(spec.seconds, g.to ?? spec.seconds) - (g.from ?? 0)) * g.ratePerS) / g.k),
        spec.arrangedEvents ?? 0,
      ),
    );
    // Messages waiting to be received (not the delayed ones): the backlog the consumers are behind.
    const backlog = () =>
      [QUEUE.ingest, QUEUE.delivery, QUEUE.deliverySlow].reduce(
        (n, q) => n + world.sqs.queues.get(q)!.visibleWeight,
        0,
      );
    world.engine.at(t0 + spec.seconds * 500, () => world.meter.count("backlog_mid", backlog()));
    world.engine.at(t0 + spec.seconds * 1000 - 1, () => world.meter.count("backlog_end", backlog()));
    const end = t0 + (spec.seconds + (spec.drainSeconds ?? 0)) * 1000;
    await world.engine.run(end);
    return figures(events);
  } finally {
    unhook();
    undo();
  }
}

/** What the receivers and the queues saw in a run, as observe() counts it. */
interface Seen {
  delays: Delays;
  order?: OrderCheck;
  deliveries: number;
  duplicates: number;
  /** Requests to, and tasks re-sent for, the faulty tenants' endpoints, per hour of the fault. */
  badReq: Map<number, number>;
  badResend: Map<number, number>;
}

function observe(world: World, seeded: Seeded, spec: RunSpec, t0: number, faulty: boolean) {
  const seen: Seen = {
    delays: new Delays(),
    order: spec.groups.some((g) => g.orderedKeys) ? new OrderCheck(spec.heldKey) : undefined,
    deliveries: 0,
    duplicates: 0,
    badReq: new Map(),
    badResend: new Map(),
  };
  const { delays, order, badReq, badResend } = seen;
  const delivered = new Set<string>();
  const faultFrom = t0 + (spec.faultFrom ?? 0) * 1000;
  const faultTo = t0 + (spec.faultTo ?? spec.seconds) * 1000;
  const hourOf = (t: number) => Math.floor((t - faultFrom) / 3_600_000);
  const inFault = (t: number) => faulty && t >= faultFrom && t < faultTo;
  const bad = (org: string) => seeded.faultyOrgs.has(org);
  world.receivers.onRequest = (r, t) => {
    const k = world.cohort.get(r.org) ?? 1;
    if (r.status === 0) {
      if (r.key !== undefined) order?.request();
      if (bad(r.org) && inFault(t)) badReq.set(hourOf(t), (badReq.get(hourOf(t)) ?? 0) + k);
      return;
    }
    if (r.status < 200 || r.status >= 300) return;
    if (order && r.key !== undefined) order.add({ ...r, key: r.key }, t);
    const key = `${r.msgId}|${r.endpoint}`;
    if (delivered.has(key)) seen.duplicates += k;
    else delivered.add(key);
    seen.deliveries += k;
    if (!bad(r.org) && r.publishedAt >= t0 + (spec.warmupSeconds ?? 0) * 1000) {
      const delay = t - r.publishedAt;
      const members = (r.matesMs ?? []).map((ms) => delay + ms);
      delays.add(delay, k, Math.floor((t - t0) / 3_600_000), members);
    }
  };
  world.onEnqueue = (url, tags, k) => {
    if (url === QUEUE.ingest || !tags.org || !bad(tags.org) || !inFault(world.engine.t)) return;
    const h = hourOf(world.engine.t);
    badResend.set(h, (badResend.get(h) ?? 0) + k);
  };
  const k = (org: string) => world.cohort.get(org) ?? 1;
  return (events: number) => ({
    ...figuresOf(world, spec, t0, [faultFrom, faultTo], seen, events),
    // An event lost before its fan-out has no targets to count: it counts once.
    lost:
      lostDeliveries(world.dynamo.table, delivered, holdersOf(world), k) +
      world.meter.get(`lost_to_retention:${QUEUE.ingest}`) +
      world.meter.get(`lost_to_retention:${QUEUE.ingestDlq}`),
    backlog_left: backlogLeft(world.dynamo.table, seeded.faultyOrgs, k),
  });
}

/** The run's figures, read off the models and what observe() saw, once the clock has run. */
function figuresOf(
  world: World,
  spec: RunSpec,
  t0: number,
  [faultFrom, faultTo]: [number, number],
  seen: Seen,
  events: number,
): Omit<RunFigures, "backlog_left" | "lost"> {
  const m = world.meter;
  const { delays, order } = seen;
  const hours = Math.max(1, Math.ceil((Math.min(faultTo, t0 + spec.seconds * 1000) - faultFrom) / 3_600_000));
  const perHour = (map: Map<number, number>) => ({ first: map.get(0) ?? 0, last: map.get(hours - 1) ?? 0 });
  const inFlight: Record<string, number> = {};
  // Averaged over the cohort interval (sim/aws/in-flight.ts): whole messages, as tabled.
  for (const url of world.sqs.queues.keys())
    inFlight[url] = Math.round(m.maxima.get(`in_flight:${url}`) ?? 0);
  const dlq = world.sqs.queues.get(QUEUE.deliveryDlq)!.stored;
  return {
    simulated_seconds: Math.round((world.engine.t - t0) / 1000),
    events,
    deliveries: seen.deliveries,
    scheduled_runs_dropped: m.get("async_invocations_dropped"),
    duplicates: seen.duplicates,
    healthy: delays.percentiles(),
    healthy_deliveries: delays.count,
    healthy_by_hour: delays.hours().map((hour) => ({ hour, ...delays.percentiles(hour) })),
    max_in_flight: inFlight,
    max_partition_wcu_per_s: Math.round(m.maxPartitionWcu.value),
    max_partition_wcu_key: m.maxPartitionWcu.key,
    max_partition_rcu_per_s: Math.round(m.maxPartitionRcu.value),
    max_seconds_over_partition_limit: m.maxSecondsOverLimit.value,
    throttled_writes_dropped: Math.round(m.get("throttled_writes_dropped")),
    // What the service asked for (the quota refuses what is over 5,000/s).
    max_create_schedule_per_s: m.maxima.get("create_schedule_asked_per_s") ?? 0,
    pending_schedules_max: m.maxima.get("pending_schedules") ?? 0,
    bad_endpoint_requests_per_hour: perHour(seen.badReq),
    bad_endpoint_resends_per_hour: perHour(seen.badResend),
    lost_to_retention: m.get("lost_to_retention"),
    cost_per_million_usd: costPerMillion(m.counters, events),
    dead_lettered: dlq,
    counters: Object.fromEntries([...m.counters].map(([k, v]) => [k, Math.round(v)])),
    maxima: Object.fromEntries([...m.maxima].map(([k, v]) => [k, Math.round(v)])),
    steps: world.engine.steps,
    ...(order ? { ordered: order.figures() } : {}),
  };
}

/**
 * List prices, us-east-1 (2026): SQS $0.40 per million 64 KB requests; Lambda arm64
 * $0.0000133334 per GB-s and $0.20 per million requests; DynamoDB on demand $0.625 per million
 * write units, $0.125 per million read units; Scheduler $1.00 per million invocations; KMS
 * $0.03 per 10,000 requests. Receives and deletes are billed as SQS requests too (one receive
 * and one delete per batch of 10 counted here as two per invocation).
 */
export function costPerMillion(c: Map<string, number>, events: number): number {
  const get = (k: string) => c.get(k) ?? 0;
  const invocations = [...c].filter(([k]) => k.startsWith("invocations:")).reduce((n, [, v]) => n + v, 0);
  const usd =
    ((get("sqs_requests") + 2 * invocations) * 0.4) / 1e6 +
    get("lambda_gb_seconds") * 0.0000133334 +
    (invocations * 0.2) / 1e6 +
    (get("dynamodb_write_units") * 0.625) / 1e6 +
    (get("dynamodb_read_units") * 0.125) / 1e6 +
    (get("create_schedule") * 1.0) / 1e6 +
    (get("kms_requests") * 0.03) / 1e4;
  return events > 0 ? Math.round((usd / events) * 1e6 * 100) / 100 : 0;
}
