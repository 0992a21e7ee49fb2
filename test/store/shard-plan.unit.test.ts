/** The shard plan's rules (core/store/shard-plan.ts): which shard an id is in, which shards a read queries. */
import { ulid } from "ulid";
import { describe, expect, it } from "vitest";
import { table } from "../../core/config/index.js";
import {
  BASE_PLAN,
  fnv1a,
  GROW_SETTLE_MS,
  grownPlan,
  keyTime,
  MAX_SHARDS,
  planOf,
  raisedPlan,
  shardOf,
  shardsBelow,
  shardsUpTo,
} from "../../core/store/shard-plan.js";

const T = Date.parse("2026-12-07T06:00:00Z");
const idAt = (ms: number) => `msg_${ulid(ms)}`;
const plan = raisedPlan(raisedPlan(BASE_PLAN, 64, T), 128, T + 3_600_000);

describe("shard plan", () => {
  it("puts an id in a shard of its epoch: the base plan's before the raise, as before plans existed", () => {
    const ids = Array.from({ length: 500 }, (_, i) => idAt(T - 1 - i * 1000));
    for (const id of ids) expect(shardOf(plan, id)).toBe(fnv1a(id) % table.shards);
    // Each epoch's ids spread over all its shards, the upper half included: a range, not the
    // top shard exactly (500 random ids miss shard 127 one run in 50: (127/128)^500).
    const later = Array.from({ length: 500 }, (_, i) => shardOf(plan, idAt(T + i * 1000)));
    expect(Math.max(...later)).toBeLessThanOrEqual(63);
    expect(Math.max(...later)).toBeGreaterThan(31);
    const latest = Array.from({ length: 500 }, (_, i) => shardOf(plan, idAt(T + 3_600_000 + i)));
    expect(Math.max(...latest)).toBeLessThanOrEqual(127);
    expect(Math.max(...latest)).toBeGreaterThan(63);
  });

  it("reads every shard an item of the range can be in, and no more", () => {
    expect(shardsUpTo(plan, T - 1)).toHaveLength(16);
    expect(shardsUpTo(plan, T)).toHaveLength(64);
    expect(shardsUpTo(plan)).toHaveLength(128);
    // A listing bound: an id, an id-time bound, or the open end.
    expect(shardsBelow(plan, idAt(T - 5))).toHaveLength(16);
    expect(shardsBelow(plan, `${idAt(T + 10)}#01ABC`)).toHaveLength(64);
    expect(shardsBelow(plan, "msg_\uffff")).toHaveLength(128);
    expect(keyTime("msg_\uffff", -1)).toBe(-1);
    expect(keyTime(idAt(T), 0)).toBe(T);
  });

  it("only grows: a lower or equal count, too many shards, or an earlier start are refused", () => {
    expect(() => raisedPlan(plan, 128, T + 7_200_000)).toThrow(RangeError);
    expect(() => raisedPlan(plan, MAX_SHARDS + 1, T + 7_200_000)).toThrow(RangeError);
    expect(() => raisedPlan(plan, 200, T + 3_600_000)).toThrow(RangeError);
    expect(() => raisedPlan(plan, 200.5, T + 7_200_000)).toThrow(RangeError);
    expect(raisedPlan(plan, 256, T + 7_200_000)).toHaveLength(4);
  });

  it("reads a malformed stored plan as the base plan (never a crash on the write path)", () => {
    expect(planOf(undefined)).toBe(BASE_PLAN);
    expect(
      planOf([
        { since: 0, shards: 16 },
        { since: 10, shards: 8 },
      ]),
    ).toBe(BASE_PLAN);
    expect(planOf([{ since: "x", shards: 16 }])).toBe(BASE_PLAN);
    expect(planOf(plan)).toEqual(plan);
  });

  it("the automatic rule doubles the count after a lead, once per settle window, up to the maximum", () => {
    const lead = 300_000;
    expect(grownPlan(BASE_PLAN, T, lead)).toEqual([...BASE_PLAN, { since: T + lead, shards: 32 }]);
    const raised = grownPlan(BASE_PLAN, T, lead)!;
    // Pending, then just started: nothing more until its effect shows.
    expect(grownPlan(raised, T + 1_000, lead)).toBeUndefined();
    expect(grownPlan(raised, T + lead + GROW_SETTLE_MS - 1, lead)).toBeUndefined();
    expect(grownPlan(raised, T + lead + GROW_SETTLE_MS, lead)?.at(-1)).toEqual({
      since: T + 2 * lead + GROW_SETTLE_MS,
      shards: 64,
    });
    expect(grownPlan([{ since: 0, shards: MAX_SHARDS }], T, lead)).toBeUndefined();
  });
});
