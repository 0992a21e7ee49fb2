/**
 * A cohort's delay figures are its members' (sim/stats.ts, sim/tenants.ts): a simulated delivery
 * standing for k real ones weighs its real batch-mates' delays beside its own, and a group's
 * event types come every one once a run, so a cohort's one draw does not stand for k events'
 * fan-out. With one draw each, steady-10k's delay percentiles moved 16-33 % between k 4,000 and
 * k 400 (docs/scale.md, Cohorts).
 */
import { describe, expect, it } from "vitest";
import { rng } from "../../bench/rng.js";
import { Delays } from "../../sim/stats.js";
import { TYPES, typeDraw } from "../../sim/tenants.js";

describe("sim delay figures under cohorts", () => {
  it("a cohort's members share its weight: the percentiles are theirs, the count is one delivery", () => {
    const d = new Delays();
    // One delivery of k = 100 answered in 100 ms, its 99 members from 1 to 99 ms.
    d.add(
      100,
      100,
      0,
      Array.from({ length: 99 }, (_, i) => i + 1),
    );
    expect(d.percentiles()).toEqual({ p50_ms: 50, p95_ms: 95, p99_ms: 99 });
    expect(d.count).toBe(1);
    // Without members a delivery weighs k on its own delay, as before.
    d.add(1_000, 100, 0);
    expect(d.percentiles().p99_ms).toBe(1_000);
    expect(d.count).toBe(2);
  });

  it("event types come each once in every run of five, in a random order", () => {
    const draw = typeDraw(TYPES, rng(1));
    const runs = Array.from({ length: 20 }, () => Array.from({ length: TYPES.length }, draw));
    for (const run of runs) expect([...run].sort()).toEqual([...TYPES].sort());
    expect(new Set(runs.map((r) => r.join())).size).toBeGreaterThan(1);
  });
});
