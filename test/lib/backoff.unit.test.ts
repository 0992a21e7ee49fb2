import { describe, expect, it } from "vitest";
import { refusedParkDelaySeconds } from "../../core/delivery/policy/breaker.js";
import { deferSeconds } from "../../core/delivery/policy/rate-limit.js";
import { deferDelaySeconds } from "../../core/events/defer.js";
import { doubling, spreadSeconds } from "../../core/lib/backoff.js";
import { heldWriteRetryMs } from "../../core/lib/held-write.js";

/** The largest value Math.random can return. */
const TOP = 1 - 2 ** -52;
/** How often each wait comes out of `draw` over 1,000 evenly spaced random values. */
function counts(draw: (random: () => number) => number): Record<number, number> {
  const out: Record<number, number> = {};
  for (let i = 0; i < 1000; i++) {
    const s = draw(() => (i + 0.5) / 1000);
    out[s] = (out[s] ?? 0) + 1;
  }
  return out;
}

describe("doubling", () => {
  it("doubles from `first` up to `max`, however far it goes", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => doubling(1, n, 30))).toEqual([1, 2, 4, 8, 16, 30, 30]);
    expect(doubling(5, 2_000, 900)).toBe(900);
  });
});

describe("spreadSeconds", () => {
  it("draws each whole second of [from, from + width) as often", () => {
    expect(counts((r) => spreadSeconds(1, 4, r))).toEqual({ 1: 250, 2: 250, 3: 250, 4: 250 });
    expect(spreadSeconds(1, 4, () => 0)).toBe(1);
    expect(spreadSeconds(1, 4, () => TOP)).toBe(4);
  });

  it("from half a second up: to the nearest second, the ends half as often", () => {
    expect(counts((r) => spreadSeconds(2.5 + 0.5, 2.5, r))).toEqual({ 3: 400, 4: 400, 5: 200 });
    expect(counts((r) => spreadSeconds(5 + 0.5, 5, r))).toEqual({
      5: 100,
      6: 200,
      7: 200,
      8: 200,
      9: 200,
      10: 100,
    });
  });
});

// The bounds and spreads of each caller, as they were before the one function (main 477a1b3).
describe("the callers' bounds and spreads", () => {
  it("ingest's deferral: 5 s doubling to 15 min, from its upper half", () => {
    expect(deferDelaySeconds(1, () => 0)).toBe(3);
    expect(deferDelaySeconds(1, () => TOP)).toBe(5);
    expect(deferDelaySeconds(12, () => 0)).toBe(450);
    expect(deferDelaySeconds(12, () => TOP)).toBe(900);
    expect(counts((r) => deferDelaySeconds(1, r)!)).toEqual({ 3: 400, 4: 400, 5: 200 });
  });

  it("a rate-limited task: 1 s to 1-2^n s, at most 30", () => {
    expect([0, 1, 3, 5, 50].map((d) => [deferSeconds(d, () => 0), deferSeconds(d, () => TOP)])).toEqual([
      [1, 1],
      [1, 2],
      [1, 8],
      [1, 30],
      [1, 30],
    ]);
    expect(counts((r) => deferSeconds(1, r))).toEqual({ 1: 500, 2: 500 });
  });

  it("a refused park: 1 to 60 s, each as likely", () => {
    expect(refusedParkDelaySeconds(() => 0)).toBe(1);
    expect(refusedParkDelaySeconds(() => TOP)).toBe(60);
    expect(Object.values(counts(refusedParkDelaySeconds)).every((n) => n >= 16 && n <= 17)).toBe(true);
  });

  it("a held write: 1 s doubling to a minute", () => {
    expect([0, 1, 2, 6, 7, 100].map(heldWriteRetryMs)).toEqual([1_000, 1_000, 2_000, 32_000, 60_000, 60_000]);
  });
});
