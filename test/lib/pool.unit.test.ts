import { describe, expect, it } from "vitest";
import { mapLimit } from "../../core/lib/pool.js";

/** A call that resolves when the test says so, to hold calls in flight. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

describe("mapLimit", () => {
  it("keeps at most `limit` calls in flight and returns results in the items' order", async () => {
    const gates = Array.from({ length: 7 }, gate);
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    const run = mapLimit(gates, 3, async (g, i) => {
      started.push(i);
      inFlight++;
      most = Math.max(most, inFlight);
      await g.opened;
      inFlight--;
      return i * 10;
    });
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    // Finish out of order: the results still come back in the items' order.
    for (const i of [2, 0, 1, 6, 5, 4, 3]) {
      gates[i]!.open();
      await new Promise((r) => setImmediate(r));
    }
    expect(await run).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(most).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("runs nothing for no items, and one at a time for a limit below 1", async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
    let inFlight = 0;
    let most = 0;
    await mapLimit([1, 2, 3], 0, async () => {
      most = Math.max(most, ++inFlight);
      await Promise.resolve();
      inFlight--;
    });
    expect(most).toBe(1);
  });

  it("rejects with the first error, as Promise.all does", async () => {
    await expect(
      mapLimit([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error("two");
        return n;
      }),
    ).rejects.toThrow("two");
  });
});
