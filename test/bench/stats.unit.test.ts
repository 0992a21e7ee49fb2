import { describe, expect, it } from "vitest";
import { percentile, percentiles } from "../../bench/stats.js";

describe("bench/stats percentiles", () => {
  it("gives the nearest-rank p50, p95 and p99 that percentile gives one at a time", () => {
    const values = Array.from({ length: 200 }, (_, i) => (i * 37) % 211);
    expect(percentiles(values)).toEqual({
      p50: percentile(values, 50),
      p95: percentile(values, 95),
      p99: percentile(values, 99),
    });
    expect(percentiles([5, 1, 3])).toEqual({ p50: 3, p95: 5, p99: 5 });
  });

  it("is all zeros for no values", () => {
    expect(percentiles([])).toEqual({ p50: 0, p95: 0, p99: 0 });
  });
});
