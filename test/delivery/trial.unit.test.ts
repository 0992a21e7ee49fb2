/**
 * The trial gate's rules (core/delivery/policy/trial.ts): which endpoint is proven, what an
 * outcome says of its speed, where a refused task goes, how long it waits.
 */
import { describe, expect, it } from "vitest";
import { createMemoryContext } from "../../core/compose.js";
import type { Config } from "../../core/config/index.js";
import {
  answerOf,
  proven,
  refused,
  trialDeferSeconds,
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
    return { takes, deps: { rateLimitStore, fullRateWindows: new Map(), config: { isolation } as Config } };
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
    const { db, deps } = createMemoryContext({ now: () => new Date(now) });
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
});
