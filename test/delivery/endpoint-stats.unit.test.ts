/** The health aggregate's policy: buckets, rates and the retry horizon (core/delivery/endpoint-stats.ts). */
import { describe, expect, it } from "vitest";
import { aggregate, windowBounds } from "../../core/delivery/endpoint-stats.js";
import { retryHorizonMs } from "../../core/delivery/policy/retry.js";

const now = new Date("2026-03-16T10:30:00.000Z");

describe("endpoint stats", () => {
  it("buckets attempts by hour over 24 h, ending with the current hour", () => {
    const stats = aggregate("24h", now, [
      { timestamp: "2026-03-16T10:05:00.000Z", success: true, latency_ms: 100 },
      { timestamp: "2026-03-16T10:29:59.000Z", success: false, latency_ms: 300 },
      { timestamp: "2026-03-15T11:00:00.000Z", success: true, latency_ms: 50 },
      // Before the window's first hour: left out.
      { timestamp: "2026-03-15T10:59:59.999Z", success: true, latency_ms: 1 },
    ]);
    expect(stats).toMatchObject({
      from: "2026-03-15T11:00:00.000Z",
      to: "2026-03-16T11:00:00.000Z",
      attempts: 3,
      succeeded: 2,
      failed: 1,
      success_rate: 0.667,
      mean_latency_ms: 150,
      median_latency_ms: 100,
    });
    expect(stats.buckets[0]).toMatchObject({
      start: "2026-03-15T11:00:00.000Z",
      attempts: 1,
      success_rate: 1,
    });
    expect(stats.buckets[23]).toMatchObject({
      attempts: 2,
      succeeded: 1,
      success_rate: 0.5,
      mean_latency_ms: 200,
    });
    expect(stats.buckets.slice(1, 23).every((b) => b.attempts === 0 && b.success_rate === null)).toBe(true);
  });

  it("buckets by UTC day over 7 days", () => {
    expect(windowBounds("7d", now)).toEqual({
      from: Date.parse("2026-03-10T00:00:00.000Z"),
      to: Date.parse("2026-03-17T00:00:00.000Z"),
    });
    const empty = aggregate("7d", now, []);
    expect(empty).toMatchObject({ attempts: 0, success_rate: null, mean_latency_ms: null });
    expect(empty.buckets).toHaveLength(7);
  });

  it("looks back over the retry schedule's span, at its longest jitter", () => {
    const settings = { scheduleSeconds: [5, 60], timeFactor: 1, jitter: 0.5 };
    expect(retryHorizonMs(settings, 0)).toBe(0);
    expect(retryHorizonMs(settings, 3)).toBe((5 + 60 + 60) * 1.5 * 1000);
  });
});
