/**
 * Scenarios of misbehaving endpoints: dead for days, flapping, slow, a throttled AWS queue, an
 * ordered endpoint failing one event.
 */
import { isolation } from "../../core/config/index.js";
import type { Group } from "../tenants.js";
import { DAY, HOUR, others, type Scenario, single } from "./shape.js";

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

export const deadEndpoint3d: Scenario = {
  name: "dead-endpoint-3d",
  description:
    "one endpoint receiving 5,000 events/s is dead for 3 days, then recovers (6 h observed after, then until its backlog has resumed)",
  spec: (_faulty, s) => {
    const outage = 3 * DAY * s.span;
    const dead = single("dead", 5000, 1_000_000, s, (t) => (t < outage * 1000 ? "5xx" : "healthy"));
    // The parked backlog (5,000/s for the outage) resumes at the deployment's pace, 1,000/s: five
    // outages after the recovery (15 days at full span), begun within the breaker's longest
    // cooldown (1 h, not scaled) and the scheduler's minutes: the run goes on until then.
    const resumed = (dead.ratePerS * outage) / isolation.resumePerSecond + 2 * HOUR;
    return {
      seconds: outage + 6 * HOUR * s.span,
      drainSeconds: Math.max(0, resumed - 6 * HOUR * s.span),
      faultFrom: 0,
      faultTo: outage,
      groups: [others(1000, 50_000, s), dead],
      // The pace counts re-enqueued deliveries, and one simulated delivery of the dead endpoint
      // stands for k: per simulated delivery it is k times slower (docs/scale.md, "Cohorts").
      world: { isolation: { resumePerSecond: isolation.resumePerSecond / dead.k } },
    };
  },
};

export const flapping: Scenario = {
  name: "flapping",
  description: "an endpoint failing 50 % of requests at 5,000 events/s for 6 h",
  spec: (_faulty, s) => ({
    seconds: 6 * HOUR * s.span,
    drainSeconds: 600,
    groups: [others(1000, 5000, s), single("flap", 5000, 20_000, s, () => "flapping")],
  }),
};

export const justUnderBudget: Scenario = {
  name: "just-under-budget",
  description: "an endpoint answering 200 in 1.9 s at 1,000 events/s for 1 h",
  spec: (_faulty, s) => ({
    seconds: HOUR * s.span,
    drainSeconds: 300,
    groups: [others(1000, 1000, s), single("slow", 1000, 1000, s, () => "under-budget")],
  }),
};

export const awsThrottled: Scenario = {
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
};

export const ordered: Scenario = {
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
};
