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

/** Work that waits on the real event loop (as a lazy `import()` through the loader does). */
function realWork(turns: number): Promise<string> {
  const realSetImmediate = setImmediate;
  return new Promise((resolve) => {
    const step = (n: number) => (n === 0 ? resolve("done") : realSetImmediate(() => step(n - 1)));
    step(turns);
  });
}

describe("sim engine", () => {
  it("settles work that waits on the real event loop without moving the clock (the seeding livelock)", async () => {
    const engine = new Engine(1);
    // Before settle(), the seeding awaited run() on an empty heap: microtasks only, so real
    // work never got a turn and the clock went on 60 s a spin, forever.
    await expect(engine.settle(realWork(5))).resolves.toBe("done");
    expect(engine.t).toBe(0);
  });

  it("settles work that waits on the virtual clock by running it", async () => {
    const engine = new Engine(1);
    const work = engine.sleep(90_000).then(() => engine.t);
    expect(await engine.settle(work)).toBe(90_000);
  });

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
