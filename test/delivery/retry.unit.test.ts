import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  baseDelaySeconds,
  maxDelaySeconds,
  nextDelaySeconds,
  parseRetryAfter,
  retryDelaySeconds,
} from "../../core/delivery/policy/retry.js";

const defaults = { scheduleSeconds: [5, 300, 1800, 7200, 18000, 36000], timeFactor: 1, jitter: 0.1 };

describe("retry schedule", () => {
  it("follows the schedule and repeats the last delay", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((n) => baseDelaySeconds(defaults, n))).toEqual([
      5, 300, 1800, 7200, 18000, 36000, 36000, 36000,
    ]);
  });

  it("scales with the time factor", () => {
    expect(baseDelaySeconds({ ...defaults, timeFactor: 0.001 }, 2)).toBeCloseTo(0.3);
    expect(maxDelaySeconds({ ...defaults, timeFactor: 0.5 })).toBe(18000);
  });

  it("stays within ±jitter", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const d = retryDelaySeconds(defaults, n, () => r);
          const base = baseDelaySeconds(defaults, n);
          return d >= base * 0.9 - 1e-9 && d <= base * 1.1 + 1e-9;
        },
      ),
    );
  });

  it("parses Retry-After as seconds or an HTTP date", () => {
    const now = new Date("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:01:00 GMT", now)).toBe(60);
    expect(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it("honours Retry-After between the scheduled delay and the longest delay", () => {
    const mid = () => 0.5; // no jitter
    expect(nextDelaySeconds(defaults, 1, 60, mid)).toBe(60); // lengthens 5 s to 60 s
    expect(nextDelaySeconds(defaults, 2, 1, mid)).toBe(300); // never shortens
    expect(nextDelaySeconds(defaults, 1, 10 ** 9, mid)).toBe(36000); // capped
    expect(nextDelaySeconds(defaults, 1, null, mid)).toBe(5);
  });
});
