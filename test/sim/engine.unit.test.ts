/**
 * The simulation's engine (sim/engine.ts): while a run lasts, the production code's own
 * `Math.random` (the store's backoff jitter) draws from the seed, so a seed gives the same
 * figures even in scenarios where writes are throttled and retried.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../sim/engine.js";

async function drawsDuringRun(seed: number): Promise<number[]> {
  const engine = new Engine(seed);
  const draws: number[] = [];
  for (let i = 1; i <= 3; i++) engine.at(i, () => draws.push(Math.random()));
  await engine.run(10);
  return draws;
}

describe("sim engine", () => {
  it("seeds Math.random while a run lasts, and gives it back after", async () => {
    const real = Math.random;
    expect(await drawsDuringRun(7)).toEqual(await drawsDuringRun(7));
    expect(await drawsDuringRun(7)).not.toEqual(await drawsDuringRun(8));
    expect(Math.random).toBe(real);
  });

  it("keeps Math.random's draws off the models' stream", async () => {
    const plain = new Engine(7);
    const drawing = new Engine(7);
    drawing.at(1, () => Math.random());
    await drawing.run(10);
    expect([drawing.random(), drawing.random()]).toEqual([plain.random(), plain.random()]);
  });
});

describe("sim engine's clock", () => {
  it("makes Date.now virtual while a run lasts: a duration the production code measures (an attempt's latency) is virtual", async () => {
    const engine = new Engine(1);
    const real = Date.now;
    const seen: number[] = [];
    engine.at(100, () => seen.push(Date.now()));
    engine.at(2_000, () => seen.push(Date.now()));
    await engine.run(5_000);
    expect(seen[1]! - seen[0]!).toBe(1_900);
    expect(seen[0]).toBe(engine.nowMs() - 4_900);
    expect(Date.now).toBe(real);
  });
});
