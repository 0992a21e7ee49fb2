/**
 * The shard plans (core/store/shard-plans.ts) read the root's clock (`deps.now`, handed to the
 * table by core/compose.ts), not the wall clock: on a virtual clock (the simulation, tests) an
 * automatic raise starts RAISE_LEAD_MS after that clock's now, and a cached plan is trusted for
 * that clock's window.
 */
import { expect, it } from "vitest";
import { createMemoryContext } from "../../core/compose.js";
import { BASE_PLAN } from "../../core/store/shard-plan.js";
import { CLOCK_MARGIN_MS, growShards, RAISE_LEAD_MS, shardPlanOf } from "../../core/store/shard-plans.js";

/** A clock years away from the machine's: a wall-clock read would not land near it. */
const START = Date.parse("2031-06-01T00:00:00Z");

it("an automatic raise starts RAISE_LEAD_MS after the root's now", async () => {
  const clock = { now: START };
  const { db } = createMemoryContext({ now: () => new Date(clock.now) });
  const plan = await growShards(db, "org_hot");
  expect(plan).toEqual([...BASE_PLAN, { since: START + RAISE_LEAD_MS, shards: BASE_PLAN[0]!.shards * 2 }]);
});

it("a cached plan is trusted for the root clock's window, then read again", async () => {
  const clock = { now: START };
  const { db } = createMemoryContext({ now: () => new Date(clock.now) });
  const reads = () => db.calls.GetCommand ?? 0;
  await shardPlanOf(db, "org_a");
  clock.now += RAISE_LEAD_MS - CLOCK_MARGIN_MS - 1;
  await shardPlanOf(db, "org_a");
  expect(reads()).toBe(1);
  clock.now += 1;
  await shardPlanOf(db, "org_a");
  expect(reads()).toBe(2);
});
