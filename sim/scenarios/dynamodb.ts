/** Scenarios of DynamoDB's limits: throttled writes, a tenant beyond its 16 message shards. */
import { RAISE_LEAD_MS, raiseShards } from "../../core/store/shard-plans.js";
import type { RunSpec } from "../run.js";
import { others, type Scale, type Scenario, single } from "./shape.js";

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

export const throttleStorm: Scenario = {
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
};

export const hotTenant4k: Scenario = {
  name: "hot-tenant-4k",
  description:
    "one tenant at 5,000 events/s of 3.5 KB (issue #25: beyond 16 shards) from minute 6, its shards raised to 64 by the operator at minute 0 (scripts/raise-shards.ts), 200 tenants at 1,000 events/s (baseline: without it)",
  spec: (faulty, s) => hotLaunch(faulty, s, 64),
};

export const hotTenant4kUnraised: Scenario = {
  name: "hot-tenant-4k-unraised",
  counterfactual: true,
  description: "hot-tenant-4k without the operator's raise: 16 shards and the automatic rule alone",
  spec: (faulty, s) => hotLaunch(faulty, s),
};
