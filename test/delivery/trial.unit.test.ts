/**
 * The trial gate's rules (core/delivery/policy/trial.ts): which endpoint is proven, what an
 * outcome says of its speed, where a refused task goes, how long it waits.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryContext } from "../../core/compose.js";
import type { Config } from "../../core/config/index.js";
import {
  answerOf,
  proven,
  refused,
  trialDeferSeconds,
  trialWaitMs,
  triesFirst,
} from "../../core/delivery/policy/trial.js";
import { enterTrial, noteAnswer } from "../../core/delivery/trial.js";
import type { EndpointRecord, SendOutcome } from "../../core/model/index.js";
import type { RateLimitStore } from "../../core/store/index.js";

const s = { fastLaneBudgetMs: 2000, slowFraction: 0.5, windowSeconds: 60 };
const now = Date.parse("2026-01-01T12:00:00Z");

describe("the trial gate", () => {
  it("applies in the shared lane with a slow lane only, and not to the half-open probe", () => {
    expect(triesFirst({ lane: "fast", slowLane: true }, false)).toBe(true);
    expect(triesFirst({ lane: "fast", slowLane: true }, true)).toBe(false);
    expect(triesFirst({ lane: "fast", slowLane: false }, false)).toBe(false);
    expect(triesFirst({ lane: "slow", slowLane: true }, false)).toBe(false);
    expect(triesFirst({ lane: "ordered", slowLane: false }, false)).toBe(false);
  });

  it("an answer within half the budget is fast, whatever its status; a slower one or a timeout is not", () => {
    expect(answerOf({ failure: null, latencyMs: 1000 }, now, s)).toEqual({ atMs: now, fast: true });
    expect(answerOf({ failure: { kind: "status", status: 500 }, latencyMs: 5 }, now, s).fast).toBe(true);
    expect(answerOf({ failure: null, latencyMs: 1900 }, now, s).fast).toBe(false);
    expect(answerOf({ failure: { kind: "timeout", afterMs: 30 }, latencyMs: 30 }, now, s).fast).toBe(false);
  });

  it("proven: this process's last answer fast and within the window; else a recent delivery on the record", () => {
    expect(proven(undefined, null, now, s)).toBe(false);
    expect(proven({ atMs: now - 1000, fast: true }, null, now, s)).toBe(true);
    expect(proven({ atMs: now - 61_000, fast: true }, null, now, s)).toBe(false);
    // Its own slow answer outweighs another process's delivery.
    expect(proven({ atMs: now - 1000, fast: false }, new Date(now).toISOString(), now, s)).toBe(false);
    // Another process delivered within the window plus its refresh period (a minute).
    expect(proven(undefined, new Date(now - 100_000).toISOString(), now, s)).toBe(true);
    expect(proven(undefined, new Date(now - 130_000).toISOString(), now, s)).toBe(false);
  });

  it("a refused task waits round the queue, or goes to the slow lane when the last answer here was slow", () => {
    expect(refused(undefined)).toBe("unproven");
    expect(refused({ atMs: now, fast: true })).toBe("unproven");
    expect(refused({ atMs: now, fast: false })).toBe("slow-answers");
  });

  it("waits at once the first time, then a second or more, the spread doubling (as the rate limit's)", () => {
    expect(trialDeferSeconds(0, () => 0.99)).toBe(0);
    expect(trialDeferSeconds(1, () => 0.99)).toBe(1);
    expect(trialDeferSeconds(2, () => 0.99)).toBe(2);
    expect(trialDeferSeconds(3, () => 0.99)).toBe(4);
  });
});

describe("the trial's slots (core/delivery/trial.ts)", () => {
  const isolation = { ...s, trialInFlight: 2 };
  const endpoint = { org_id: "org_1", id: "ep_1", last_delivery_at: null } as EndpointRecord;
  const busyStore = () => {
    const takes: number[] = [];
    const rateLimitStore: RateLimitStore = {
      take: async (w) => {
        takes.push(w.now);
        return { freeAt: w.now + 7_000 };
      },
      release: async () => {},
    };
    const deps = {
      rateLimitStore,
      fullRateWindows: new Map(),
      config: { isolation } as Config,
      now: () => new Date(now),
    };
    return { takes, deps };
  };

  it("a process that found them busy refuses without asking again for a second, then asks", async () => {
    const { takes, deps } = busyStore();
    const at = (ms: number) => ({ now: new Date(now + ms), random: () => 0 });
    for (const ms of [0, 10, 999])
      expect(await enterTrial(deps, endpoint, 2000, at(ms))).toEqual({ refused: "unproven" });
    expect(takes).toEqual([now]);
    await enterTrial(deps, endpoint, 2000, at(1_000));
    expect(takes).toEqual([now, now + 1_000]);
  });

  it("a proven endpoint asks nothing; its fast answer noted here proves it", async () => {
    const { takes, deps } = busyStore();
    const answered = { outcome: { failure: null, latencyMs: 20 } as SendOutcome };
    noteAnswer(deps, endpoint, answered, new Date(now));
    const passed = await enterTrial(deps, endpoint, 2000, { now: new Date(now + 5), random: () => 0 });
    expect(passed).toHaveProperty("admission");
    expect(takes).toEqual([]);
  });

  it("one memo per root: an answer noted through one narrow context proves the endpoint in another", async () => {
    const { takes, deps } = busyStore();
    const answered = { outcome: { failure: null, latencyMs: 20 } as SendOutcome };
    // Each lane's context is a new object holding the root's parts (core/compose.ts contextFor).
    noteAnswer({ ...deps }, endpoint, answered, new Date(now));
    const passed = await enterTrial({ ...deps }, endpoint, 2000, { now: new Date(now + 5), random: () => 0 });
    expect(passed).toHaveProperty("admission");
    expect(takes).toEqual([]);
  });

  it("concurrent tasks of a cold batch: once trialInFlight takes are in flight here, the others are refused without a call", async () => {
    // The clock past the trial's wait (trialWaitMs): refused at once.
    const { db, deps } = createMemoryContext({ now: () => new Date(now + 500) });
    const calls = () => (db.calls.GetCommand ?? 0) + (db.calls.UpdateCommand ?? 0);
    const ctx = { now: new Date(now), random: () => 0 };
    const entered = await Promise.all(
      Array.from({ length: 10 }, () => enterTrial(deps, endpoint, 2000, ctx)),
    );
    expect(entered.filter((e) => "admission" in e)).toHaveLength(2);
    expect(entered.filter((e) => "refused" in e)).toHaveLength(8);
    // Two reads and at most two failed leases besides the two won (10 reads and 18 failed leases before).
    expect(db.calls.GetCommand).toBe(2);
    expect(calls()).toBeLessThanOrEqual(6);
    // The takes answered: the next task asks the store again (and finds the slots busy).
    const before = calls();
    expect(await enterTrial(deps, endpoint, 2000, ctx)).toEqual({ refused: "unproven" });
    expect(calls()).toBeGreaterThan(before);
  });

  describe("a task refused while this process's own trial is in flight", () => {
    // Two tasks take the trial's slots (their requests not over); the clock is the test's.
    const onTrial = async (clock: { ms: number }) => {
      const { deps } = createMemoryContext({ now: () => new Date(clock.ms) });
      const ctx = { now: new Date(now), random: () => 0 };
      const taken = await Promise.all([0, 1].map(() => enterTrial(deps, endpoint, 2000, ctx)));
      expect(taken.every((e) => "admission" in e)).toBe(true);
      const third = enterTrial(deps, endpoint, 2000, { ...ctx, now: new Date(clock.ms) });
      let settled: unknown;
      void third.then((e) => {
        settled = e;
      });
      return { deps, third, settled: () => settled };
    };
    /** A third task looked at 100 ms into the trial, still waiting for its answer. */
    const waiting = async () => {
      const trial = await onTrial({ ms: now + 100 });
      await vi.advanceTimersByTimeAsync(0);
      expect(trial.settled()).toBeUndefined();
      return trial;
    };
    const answer = (latencyMs: number) => ({ outcome: { failure: null, latencyMs } as SendOutcome });

    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it("waits for its answer, and passes when it was fast", async () => {
      const trial = await waiting();
      noteAnswer(trial.deps, endpoint, answer(20), new Date(now + 150));
      expect(await trial.third).toHaveProperty("admission");
    });

    it("goes to the slow lane when the answer was slow", async () => {
      const trial = await waiting();
      noteAnswer(trial.deps, endpoint, answer(1900), new Date(now + 1_900));
      expect(await trial.third).toEqual({ refused: "slow-answers" });
    });

    it("waits no longer than a quarter of the budget from the trial's start, then is refused (a hanging endpoint holds its batch that long once)", async () => {
      const trial = await onTrial({ ms: now + 200 });
      await vi.advanceTimersByTimeAsync(299);
      expect(trial.settled()).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(trial.settled()).toEqual({ refused: "unproven" });
      // Looked at after that: refused at once.
      const late = await onTrial({ ms: now + 500 });
      await vi.advanceTimersByTimeAsync(0);
      expect(late.settled()).toEqual({ refused: "unproven" });
    });
  });

  it("trialWaitMs: what is left of a quarter of the budget since the trial began", () => {
    expect(trialWaitMs(now, now, s)).toBe(500);
    expect(trialWaitMs(now, now + 200, s)).toBe(300);
    expect(trialWaitMs(now, now + 500, s)).toBe(0);
    expect(trialWaitMs(now, now + 5_000, s)).toBe(0);
  });
});
