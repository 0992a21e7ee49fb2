/** The window policy (core/delivery/policy/window.ts) as a table of attempt sequences. */
import { describe, expect, it } from "vitest";
import {
  type AttemptWindow,
  breakerTrip,
  emptyWindow,
  failureRateTrips,
  medianTooSlow,
  observe,
} from "../../core/delivery/policy/window.js";

const s = {
  windowSeconds: 60,
  windowMinRequests: 20,
  breakerFailureRate: 0.8,
  breakerFailures: 10,
  slowFraction: 0.5,
  fastLaneBudgetMs: 2_000,
};

/** One attempt per `stepMs` from t = 0, each `ok` and `latencyMs` as `pattern(i)` says. */
function run(n: number, pattern: (i: number) => { ok: boolean; latencyMs?: number }, stepMs = 100) {
  let w: AttemptWindow = emptyWindow();
  for (let i = 0; i < n; i++) {
    const { ok, latencyMs = 50 } = pattern(i);
    w = observe(w, { atMs: i * stepMs, ok, latencyMs }, s);
  }
  return { w, now: (n - 1) * stepMs };
}

describe("failure rate", () => {
  it.each([
    ["alternating 200/500", (i: number) => ({ ok: i % 2 === 0 }), 100, false],
    ["9 failures in 10", (i: number) => ({ ok: i % 10 === 9 }), 100, true],
    ["every attempt failing", () => ({ ok: false }), 100, true],
    ["every attempt failing, but fewer than 20", () => ({ ok: false }), 19, false],
    ["7 in 10 failing (below 80 %)", (i: number) => ({ ok: i % 10 < 3 }), 100, false],
  ])("%s: trips = %s", (_what, pattern, n, trips) => {
    const { w, now } = run(n as number, pattern as (i: number) => { ok: boolean });
    expect(failureRateTrips(w, now, s)).toBe(trips);
  });

  it("forgets attempts older than the window", () => {
    const { w } = run(30, () => ({ ok: false }));
    expect(failureRateTrips(w, 3_000, s)).toBe(true);
    expect(failureRateTrips(w, 3_000 + 70_000, s)).toBe(false);
  });
});

describe("the breaker's rule: a run of failures as this process saw them, or the rate", () => {
  // The rule's reason: an endpoint failing 30 % of the time at 5,000 requests/s starts a run of
  // 10 about every minute somewhere (0.7 × 0.3^10 × 5,000 ≈ 0.02/s); beside its successes, no cut.
  it("failing 30 % of the time, a run of 10 among hundreds of successes: not cut off", () => {
    const { w, now } = run(300, (i) => ({ ok: !(i >= 200 && i < 210) && i % 10 >= 3 }), 150);
    expect(w.run).toBe(0);
    const { w: inRun, now: at } = run(210, (i) => ({ ok: !(i >= 200) && i % 10 >= 3 }), 150);
    expect(inRun.run).toBe(10);
    expect(breakerTrip(inRun, at, s)).toBeUndefined();
    expect(breakerTrip(w, now, s)).toBeUndefined();
  });

  it.each([
    ["10 failures in a row (fewer than the rate's 20)", 10, () => ({ ok: false }), "consecutive failures"],
    ["9 failures in a row", 9, () => ({ ok: false }), undefined],
    ["alternating 200/500, 100 attempts", 100, (i: number) => ({ ok: i % 2 === 0 }), undefined],
    ["9 failures then a success (fewer than 20)", 10, (i: number) => ({ ok: i % 10 === 9 }), undefined],
    ["9 failures in 10, 30 attempts", 30, (i: number) => ({ ok: i % 10 === 9 }), "failure rate"],
    ["a success, then 10 failures", 11, (i: number) => ({ ok: i === 0 }), "consecutive failures"],
    // 40 successes, then 10 failures: a run, but a short one beside the minute's successes.
    ["40 successes then 10 failures", 50, (i: number) => ({ ok: i < 40 }), undefined],
    ["15 successes then 14 failures", 29, (i: number) => ({ ok: i < 15 }), undefined],
    [
      "15 successes then 15 failures (dead: the run outnumbers them)",
      30,
      (i: number) => ({ ok: i < 15 }),
      "consecutive failures",
    ],
  ])("%s: %s", (_what, n, pattern, trip) => {
    const { w, now } = run(n as number, pattern as (i: number) => { ok: boolean });
    expect(breakerTrip(w, now, s)).toBe(trip);
  });

  it("a run outlasts the window: an endpoint tried once a minute is cut off after 10 failures", () => {
    const { w, now } = run(10, () => ({ ok: false }), 60_000);
    expect(breakerTrip(w, now, s)).toBe("consecutive failures");
  });
});

describe("median latency", () => {
  it.each([
    ["1.9 s every time (just under a 2 s budget)", () => ({ ok: true, latencyMs: 1_900 }), true],
    ["1.1 s every time (over half the budget)", () => ({ ok: true, latencyMs: 1_100 }), true],
    ["80 ms, one in three at 1.9 s", (i: number) => ({ ok: true, latencyMs: i % 3 ? 80 : 1_900 }), false],
    ["fast", () => ({ ok: true, latencyMs: 80 }), false],
  ])("%s: slow = %s", (_what, pattern, slow) => {
    const { w, now } = run(10, pattern as (i: number) => { ok: boolean; latencyMs: number });
    expect(medianTooSlow(w, now, s)).toBe(slow);
  });

  it("needs a few answers: one slow answer is not a trend", () => {
    const { w, now } = run(4, () => ({ ok: true, latencyMs: 1_900 }));
    expect(medianTooSlow(w, now, s)).toBe(false);
  });
});
