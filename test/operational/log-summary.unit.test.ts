/**
 * A warning that can happen once per message, logged as a summary (core/log/summary.ts): the
 * first occurrence at once, then at most one line per interval, with the counts added since the
 * last line and a bounded set of samples. A virtual clock; the logger's `warn` recorded.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { logger } from "../../core/log/logger.js";
import { logSummary, SUMMARY_EVERY_MS, SUMMARY_SAMPLES } from "../../core/log/summary.js";

afterEach(() => vi.restoreAllMocks());

function recorded() {
  const warn = vi.spyOn(logger, "warn").mockImplementation(() => undefined);
  return () => warn.mock.calls.map(([message, fields]) => ({ message, ...(fields as object) }));
}

describe("logSummary", () => {
  it("logs the first occurrence at once, then one line per interval with the counts since the last", () => {
    const lines = recorded();
    let t = 1_000_000;
    const s = logSummary("deferred", { now: () => t });
    s.add({ deferred: 3, not_sent: 0 }, ["org_a"]);
    expect(lines()).toEqual([
      { message: "deferred", deferred: 3, not_sent: 0, samples: ["org_a"], since_ms: 0 },
    ]);
    // 5,000 more within the minute: no line.
    for (let i = 0; i < 5_000; i++) {
      t += 10;
      s.add({ deferred: 1, not_sent: 0 }, [i % 2 ? "org_b" : "org_c"]);
    }
    expect(lines()).toHaveLength(1);
    t = 1_000_000 + SUMMARY_EVERY_MS;
    s.add({ deferred: 2, not_sent: 1 }, ["org_a"]);
    expect(lines()).toHaveLength(2);
    expect(lines()[1]).toEqual({
      message: "deferred",
      deferred: 5_002,
      not_sent: 1,
      samples: ["org_c", "org_b", "org_a"],
      since_ms: SUMMARY_EVERY_MS,
    });
  });

  it("keeps at most SUMMARY_SAMPLES distinct samples a line, and none undefined", () => {
    const lines = recorded();
    let t = 0;
    const s = logSummary("parked", { now: () => t });
    s.add({ tasks: 1 });
    t = 1;
    for (let i = 0; i < 100; i++) s.add({ tasks: 1 }, [`org_${i}`, undefined]);
    t = SUMMARY_EVERY_MS + 1;
    s.add({ tasks: 1 });
    const last = lines().at(-1) as unknown as { tasks: number; samples: string[] };
    expect(last.tasks).toBe(101);
    expect(last.samples).toHaveLength(SUMMARY_SAMPLES);
    expect(last.samples[0]).toBe("org_0");
  });
});
