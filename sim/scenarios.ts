/**
 * The scenarios of issue #25, each a function of its fault (true) or its baseline (false).
 *
 * `scale.k` multiplies every cohort size and `scale.span` every duration: the cohort test
 * runs a scenario at k/10 on a span/10 and compares the figures (test/sim/cohort.test.ts).
 * Cohort sizes are chosen so a scenario runs in minutes on a 2-core machine; each is printed.
 */
import { burstShape } from "../bench/burst-shapes.js";
import { ACCOUNT_CONCURRENCY_FOR_TARGET } from "../core/config/capacity.js";
import { RAISE_LEAD_MS, raiseShards } from "../core/store/shard-plans.js";
import { simSpec } from "./calibration/sim-side.js";
import type { Behaviour } from "./receivers.js";
import type { RunSpec } from "./run.js";
import type { Group } from "./tenants.js";

export interface Scale {
  k: number;
  span: number;
}

export interface Scenario {
  name: string;
  description: string;
  /** Starts with the event sources scaled down (5 concurrent invocations); others start scaled up. */
  cold?: boolean;
  /** What the design would do without one of its rules: run by name only, never in the full round. */
  counterfactual?: boolean;
  spec(faulty: boolean, scale: Scale): RunSpec;
}

const HOUR = 3600;
const DAY = 24 * HOUR;
const k = (base: number, s: Scale) => Math.max(1, Math.round(base * s.k));

/** Tenants at a rate, healthy endpoints, fan-out 1-5 (the background every scenario has). */
function others(rate: number, base: number, s: Scale, tenants = 200): Group {
  return { name: "ok", tenants, endpointsPerTenant: 15, ratePerS: rate, k: k(base, s), fanout: "mix" };
}

/** One tenant with one endpoint at `rate`, behaving `b` while faulty. */
function single(name: string, rate: number, base: number, s: Scale, b: (t: number) => Behaviour): Group {
  return {
    name,
    tenants: 1,
    endpointsPerTenant: 1,
    ratePerS: rate,
    k: k(base, s),
    fanout: 1,
    atFault: true,
    behaviour: (_i, _j, t) => b(t),
  };
}

/**
 * The `ordered` scenario's receiver: the first event of key k0 asked for after 30 s is answered
 * 500 three times, then 200; every other request 200.
 */
function failOnce(): NonNullable<Group["behaviour"]> {
  let held: string | undefined;
  let failures = 0;
  return (_i, _j, t, r) => {
    if (r?.key === "k0" && t >= 30_000 && (held ?? r.msgId) === r.msgId && failures < 3) {
      held = r.msgId;
      failures++;
      return "5xx";
    }
    return "healthy";
  };
}

/**
 * The slow lane behind for longer than the retention guard: one endpoint answering in 8 s at
 * 4 events/s for 1 h while the slow lane takes one record at a time in 2 invocations (~0.25/s),
 * so a task published at p seconds is received at ~16p: past the 2 h retention from p ≈ 480 s.
 * Every queue's retention is 2 h and the guard parks at 1 h (14 and 7 days, 168-fold shorter);
 * `guarded: false` sets the guard past the retention (13 days).
 */
function behindPastRetention(s: Scale, guarded: boolean): RunSpec {
  const RETENTION = 2 * HOUR;
  return {
    seconds: HOUR * s.span,
    drainSeconds: 3 * HOUR,
    world: {
      retentionSeconds: RETENTION,
      deliverSlow: { maxConcurrency: 2, batchSize: 1 },
      env: { PARK_AFTER_QUEUED_SECONDS: String(guarded ? RETENTION / 2 : 13 * DAY) },
    },
    groups: [others(100, 200, s, 20), single("behind", 4, 16, s, () => "slow")],
  };
}

/**
 * A tenant's launch at 5,000 events/s of 3.5 KB (4 write units a message: ~1,250 WCU/s on each
 * of 16 shards), 6 min after the operator raised its shard count to `raisedTo` with
 * raiseShards, the store function scripts/raise-shards.ts calls (effective RAISE_LEAD_MS after
 * the raise); without `raisedTo`, the automatic rule alone (a throttled message write doubles
 * the count). The lead and the launch are not scaled by the span: the traffic after them is.
 */
function hotLaunch(faulty: boolean, s: Scale, raisedTo?: number): RunSpec {
  const launch = RAISE_LEAD_MS / 1000 + 60;
  const hot = { ...single("hot4k", 5000, 200, s, () => "healthy"), from: launch, payloadBytes: 3500 };
  return {
    seconds: launch + 840 * s.span,
    drainSeconds: 300,
    faultFrom: launch,
    groups: [others(1000, 200, s), ...(faulty ? [hot] : [])],
    arrange: (world) => {
      if (faulty && raisedTo)
        void raiseShards(world.admin.db, "org_hot4k_0", raisedTo, world.engine.nowMs() + RAISE_LEAD_MS);
    },
  };
}

export const scenarios: Scenario[] = [
  {
    name: "steady-10k",
    description:
      "10,000 events/s for 1 h, 5,000 tenants, 100,000 endpoints (fan-out 1-5), 1 % of endpoints failing",
    spec: (_faulty, s) => ({
      seconds: HOUR * s.span,
      drainSeconds: 600 * s.span,
      // The account's concurrency raised as the quota plan says for 10,000 events/s (1,000 by default).
      world: { accountConcurrency: ACCOUNT_CONCURRENCY_FOR_TARGET },
      groups: [
        { name: "ok", tenants: 4000, endpointsPerTenant: 20, ratePerS: 8000, k: k(4000, s), fanout: "mix" },
        {
          name: "fail",
          tenants: 1000,
          endpointsPerTenant: 20,
          ratePerS: 2000,
          k: k(4000, s),
          fanout: "mix",
          atFault: true,
          behaviour: (_i, j) => (j === 0 ? "5xx" : "healthy"),
        },
      ],
    }),
  },
  {
    name: "hot-tenant",
    description: "one tenant at 5,000 events/s whose endpoints have payload filters, the rest at 5,000/s",
    spec: (faulty, s) => ({
      seconds: 300 * s.span,
      drainSeconds: 120,
      groups: [
        others(5000, 200, s, 1000),
        ...(faulty
          ? [
              {
                name: "hot",
                tenants: 1,
                endpointsPerTenant: 3,
                ratePerS: 5000,
                k: k(200, s),
                fanout: 1,
                atFault: true,
                filter: { data: { amount: { $gte: 100 } } },
              } as Group,
            ]
          : []),
      ],
    }),
  },
  {
    name: "dead-endpoint-3d",
    description:
      "one endpoint receiving 5,000 events/s is dead for 3 days, then recovers (6 h observed after)",
    spec: (_faulty, s) => {
      const outage = 3 * DAY * s.span;
      return {
        seconds: outage + 6 * HOUR * s.span,
        faultFrom: 0,
        faultTo: outage,
        groups: [
          others(1000, 50_000, s),
          single("dead", 5000, 1_000_000, s, (t) => (t < outage * 1000 ? "5xx" : "healthy")),
        ],
      };
    },
  },
  {
    name: "flapping",
    description: "an endpoint failing 50 % of requests at 5,000 events/s for 6 h",
    spec: (_faulty, s) => ({
      seconds: 6 * HOUR * s.span,
      drainSeconds: 600,
      groups: [others(1000, 5000, s), single("flap", 5000, 20_000, s, () => "flapping")],
    }),
  },
  {
    name: "just-under-budget",
    description: "an endpoint answering 200 in 1.9 s at 1,000 events/s for 1 h",
    spec: (_faulty, s) => ({
      seconds: HOUR * s.span,
      drainSeconds: 300,
      groups: [others(1000, 1000, s), single("slow", 1000, 1000, s, () => "under-budget")],
    }),
  },
  {
    name: "burst",
    cold: true,
    description: "1,000,000 events published within 60 s (baseline: 1,000 events/s for 60 s)",
    spec: (faulty, s) => ({
      seconds: 60 * s.span,
      drainSeconds: 1800,
      groups: [{ ...others(faulty ? 1_000_000 / 60 : 1000, faulty ? 100 : 10, s, 1000), atFault: false }],
    }),
  },
  {
    name: "throttle-storm",
    description: "DynamoDB throttles 20 % of writes for 10 min, at 2,000 events/s",
    spec: (faulty, s) => ({
      seconds: 1200 * s.span,
      drainSeconds: 600,
      faultFrom: 300 * s.span,
      faultTo: 900 * s.span,
      groups: [others(2000, 400, s, 500)],
      arrange: (world, _f, t0) => {
        if (!faulty) return;
        world.engine.at(t0 + 300_000 * s.span, () => (world.dynamo.faults.throttleWrites = 0.2));
        world.engine.at(t0 + 900_000 * s.span, () => (world.dynamo.faults.throttleWrites = 0));
      },
    }),
  },
  {
    name: "aws-throttled",
    description:
      "an aws_sqs endpoint at 500 events/s whose queue takes 300/s for 10 min (a FIFO queue's limit), 1,000 events/s elsewhere",
    spec: (_faulty, s) => {
      const [from, to] = [300 * s.span, 900 * s.span];
      const throttled = (t: number) => (t >= from * 1000 && t < to * 1000 ? 300 : Number.POSITIVE_INFINITY);
      return {
        seconds: 1200 * s.span,
        drainSeconds: 3600,
        faultFrom: from,
        faultTo: to,
        groups: [
          others(1000, 200, s),
          { ...single("aws", 500, 25, s, () => "healthy"), awsQueuePerSecond: throttled },
        ],
      };
    },
  },
  {
    name: "ordered",
    description:
      "an ordered endpoint (strict, by key, 10 keys) at 20 events/s whose receiver fails one event of key k0 3 times, 1,000 events/s elsewhere",
    spec: (_faulty, s) => ({
      seconds: 1200 * s.span,
      // The failed event's retries wait 5 s, 5 min and 30 min (the schedule), its key's events
      // behind it: the drain covers them whatever the span.
      drainSeconds: 2700,
      heldKey: "k0",
      groups: [
        others(1000, 200, s),
        // k = 1: order is a property of single events, never of cohorts.
        { ...single("ordered", 20, 1, s, () => "healthy"), k: 1, orderedKeys: 10, behaviour: failOnce() },
      ],
    }),
  },
  {
    name: "retention-guard",
    description:
      "the slow lane far behind (one endpoint at 4 events/s answering in 8 s, the slow lane taking ~0.25/s), past the queues' retention (shortened to 2 h; the guard parks at 1 h)",
    spec: (_faulty, s) => behindPastRetention(s, true),
  },
  {
    name: "retention-unguarded",
    counterfactual: true,
    description:
      "retention-guard without the guard (PARK_AFTER_QUEUED_SECONDS past the retention): what it loses",
    spec: (_faulty, s) => behindPastRetention(s, false),
  },
  {
    name: "api-publish",
    description:
      "10,000 events/s published over HTTP (POST /v1/events) through API Gateway and the API's reserved concurrency, 10 min (baseline: straight onto the ingest queue)",
    spec: (faulty, s) => ({
      seconds: 600 * s.span,
      drainSeconds: 300,
      world: { accountConcurrency: ACCOUNT_CONCURRENCY_FOR_TARGET },
      groups: [{ ...others(10_000, 500, s, 1000), viaApi: faulty }],
    }),
  },
  {
    name: "smoke",
    description: "a few minutes at 200 events/s with one failing endpoint (what npm test runs)",
    spec: (_faulty, s) => ({
      seconds: 600 * s.span,
      drainSeconds: 60,
      warmupSeconds: 10,
      // No batching window: with cohorts a batch fills at once, so the window's wait (up to
      // B / 2r, a few ms at busy queues, up to 1 s at quiet ones) is not cohort-invariant
      // (docs/scale.md, "Cohorts"); the cohort test compares the rest.
      world: { warm: true, ingest: { batchWindowSeconds: 0 }, deliver: { batchWindowSeconds: 0 } },
      groups: [others(200, 10, s, 50), single("bad", 100, 10, s, () => "5xx")],
    }),
  },
  {
    name: "calibration",
    description:
      "the local stack's settings: 2 tenants x 100 events at once, one endpoint hanging (baseline: both healthy)",
    // The calibration's shape as `--calibrate` runs it (sim/calibration/sim-side.ts).
    spec: () => simSpec(burstShape("burst-hang")),
  },
  {
    name: "hot-tenant-4k",
    description:
      "one tenant at 5,000 events/s of 3.5 KB (issue #25: beyond 16 shards) from minute 6, its shards raised to 64 by the operator at minute 0 (scripts/raise-shards.ts), 200 tenants at 1,000 events/s (baseline: without it)",
    spec: (faulty, s) => hotLaunch(faulty, s, 64),
  },
  {
    name: "hot-tenant-4k-unraised",
    counterfactual: true,
    description: "hot-tenant-4k without the operator's raise: 16 shards and the automatic rule alone",
    spec: (faulty, s) => hotLaunch(faulty, s),
  },
];
