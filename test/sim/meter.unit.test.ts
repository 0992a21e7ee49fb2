/**
 * The simulation's per-key load under cohorts (sim/aws/meter.ts): a simulated write on a
 * sharded key stands for the cohort's writes in its second spread over the shards their ids
 * hash to, as many as the organization's plan gives at the id's time; it used to count them
 * all on the simulated id's one shard (divided by a fixed 16), whatever the plan.
 */

import { ulid } from "ulid";
import { describe, expect, it } from "vitest";
import { keyTime, type ShardPlan, shardOf, shardsAt } from "../../core/store/shard-plan.js";
import { RAISE_LEAD_MS, raiseShards } from "../../core/store/shard-plans.js";
import { Meter } from "../../sim/aws/meter.js";
import { Engine, SIM_EPOCH_MS } from "../../sim/engine.js";
import { World } from "../../sim/world.js";

/** A hot tenant (k real events per simulated one at `rate`/s) under `plan`, one cool one at k = 1. */
function meterFor(plan: ShardPlan, k = 200, rate = 5000, batchSize?: number, laneRate?: number) {
  const engine = new Engine(1);
  const meter = new Meter(engine, {
    ofOrg: (org) => (org === "org_hot" ? k : 1),
    rateOf: (org) => (org === "org_hot" ? rate : 1),
    shardsOf: (_org, sk) => shardsAt(plan, keyTime(sk ?? "", engine.nowMs())),
    ...(batchSize ? { batchSize: () => batchSize } : {}),
  });
  if (laneRate) meter.laneRate = laneRate;
  return { engine, meter };
}

/** A message id of time `ms` (not the monotonic factory's: it never goes back in time). */
const idAt = (ms: number) => `msg_${ulid(ms)}`;

const loadOf = (meter: Meter, base: string, n: number) =>
  Array.from({ length: n }, (_, s) => meter.partitionLoad(`${base}#${s}`));

describe("sim meter: a cohort's writes on sharded keys", () => {
  it("5,000 events/s of 4 KB in cohorts of 200: 1,250 WCU/s on each of 16 shards, not on one", () => {
    const plan: ShardPlan = [{ since: 0, shards: 16 }];
    const { meter } = meterFor(plan);
    // 25 simulated messages in one second: 25 × 200 = 5,000 real ones.
    for (let i = 0; i < 25; i++) {
      const id = idAt(SIM_EPOCH_MS);
      meter.write(`MSG#org_hot#${shardOf(plan, id)}`, 4, id);
    }
    expect(loadOf(meter, "MSG#org_hot", 16)).toEqual(Array(16).fill(1250));
    expect(meter.maxPartitionWcu.value).toBe(1250);
    expect(meter.get("dynamodb_write_units")).toBe(25 * 200 * 4);
  });

  it("spreads over the count of the id's epoch: 64 shards after a raise, 16 for older ids", () => {
    const raise = SIM_EPOCH_MS + 1000;
    const plan: ShardPlan = [
      { since: 0, shards: 16 },
      { since: raise, shards: 64 },
    ];
    const { engine, meter } = meterFor(plan);
    engine.t = 2000;
    for (let i = 0; i < 25; i++) {
      const id = idAt(raise + 500);
      meter.write(`MSG#org_hot#${shardOf(plan, id)}`, 4, id);
    }
    expect(loadOf(meter, "MSG#org_hot", 64)).toEqual(Array(64).fill(312.5));
    // A log item of an id from before the raise lands on that id's 16 shards.
    const old = idAt(SIM_EPOCH_MS);
    meter.write(`LOG#org_hot#ep_1#${shardOf(plan, old)}`, 1, `${old}#x`);
    expect(loadOf(meter, "LOG#org_hot#ep_1", 64).filter((l) => l > 0)).toEqual(Array(16).fill(12.5));
  });

  it("a cohort smaller than the shard count takes as many shards as it has writes, from its own", () => {
    const plan: ShardPlan = [{ since: 0, shards: 16 }];
    const { meter } = meterFor(plan, 4);
    meter.write("MSG#org_hot#14", 1, idAt(SIM_EPOCH_MS));
    const loads = loadOf(meter, "MSG#org_hot", 16);
    expect(loads.filter((l) => l > 0)).toEqual([1, 1, 1, 1]);
    expect([14, 15, 0, 1].map((s) => loads[s])).toEqual([1, 1, 1, 1]);
  });

  it("single events and unsharded keys are as before: one key each", () => {
    const plan: ShardPlan = [{ since: 0, shards: 16 }];
    const { meter } = meterFor(plan);
    meter.write("MSG#org_cool#3", 2, idAt(SIM_EPOCH_MS));
    expect(loadOf(meter, "MSG#org_cool", 16).filter((l) => l > 0)).toEqual([2]);
    // The organization's own item: the cohort's 200 writes of the second on the one key.
    meter.write("ORG#org_hot", 1);
    expect(meter.partitionLoad("ORG#org_hot")).toBe(200);
    meter.write("IDEM#org_hot#p1", 1);
    expect(meter.partitionLoad("IDEM#org_hot#p1")).toBe(1);
  });

  it("a retry waiting in the table (WAIT#, sharded as the log) spreads as the log's index keys do", () => {
    // dead-endpoint-3d at --k 0.1: 5,000 WCU/s on one WAIT# key, where the 5,000 retries a
    // second hash over the endpoint's 16 shards.
    const plan: ShardPlan = [{ since: 0, shards: 16 }];
    const { meter } = meterFor(plan, 100_000, 5000);
    const id = idAt(SIM_EPOCH_MS);
    meter.write(`WAIT#org_hot#ep_1#${shardOf(plan, id)}`, 1, `2026-01-01T00:00:00.000Z#${id}`);
    expect(loadOf(meter, "WAIT#org_hot#ep_1", 16)).toEqual(Array(16).fill(312.5));
  });

  it("the organization's items are written per batch: a cohort's write stands for m / B", () => {
    // applyHealth writes an endpoint's health once per delivery batch: 5,000 tasks a second
    // in batches of 20 make 250 writes, not 5,000 (dead-endpoint-3d's ORG# refusals).
    const plan: ShardPlan = [{ since: 0, shards: 16 }];
    const { meter } = meterFor(plan, 100_000, 5000, 20);
    meter.write("ORG#org_hot", 1, "EP#ep_1");
    expect(meter.partitionLoad("ORG#org_hot")).toBe(250);
    // Fewer tasks a second than a batch holds: one write, as one batch makes.
    const few = meterFor(plan, 200, 5, 20).meter;
    few.write("ORG#org_hot", 1, "EP#ep_1");
    expect(few.partitionLoad("ORG#org_hot")).toBe(1);
    // The table's total (cost) still counts the simulated write k times.
    expect(meter.get("dynamodb_write_units")).toBe(100_000);
  });

  it("the lane's batches interleave tenants: half a 10,000/s lane fills 500 batches a second, not 250", () => {
    // A fair queue serves every group: a batch of 20 holds 10 of the tenant's tasks, not 20
    // (issue #25 review: m / B assumed a batch of one tenant's).
    const plan: ShardPlan = [{ since: 0, shards: 16 }];
    const half = meterFor(plan, 100_000, 5000, 20, 10_000).meter;
    half.write("ORG#org_hot", 1, "EP#ep_1");
    expect(half.partitionLoad("ORG#org_hot")).toBe(500);
    // A tenant with the lane to itself fills full batches; a small one's tasks each take one.
    const alone = meterFor(plan, 100_000, 5000, 20, 5000).meter;
    alone.write("ORG#org_hot", 1, "EP#ep_1");
    expect(alone.partitionLoad("ORG#org_hot")).toBe(250);
    const small = meterFor(plan, 100_000, 100, 20, 10_000).meter;
    small.write("ORG#org_hot", 1, "EP#ep_1");
    expect(small.partitionLoad("ORG#org_hot")).toBe(100);
  });

  it("the world counts the organization's plan as the production code stored it", async () => {
    const world = new World({ seed: 1 });
    const since = world.engine.nowMs() + RAISE_LEAD_MS;
    await world.engine.settle(raiseShards(world.admin.db, "org_hot", 64, since));
    expect(world.meter.weights.shardsOf("org_hot", idAt(since - 1))).toBe(16);
    expect(world.meter.weights.shardsOf("org_hot", `${idAt(since)}#att`)).toBe(64);
    expect(world.meter.weights.shardsOf("org_cool", idAt(since))).toBe(16);
  });
});
