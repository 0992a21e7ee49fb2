import { describe, expect, it } from "vitest";
import { nextStep } from "../../core/delivery/next-step.js";

const config = { retry: { scheduleSeconds: [5, 300, 36000, 50000], timeFactor: 1, jitter: 0.1 } };
const mid = () => 0.5; // no jitter

describe("nextStep", () => {
  it("gives max_retries retries after the first attempt", () => {
    expect(nextStep(config, 1, 0, null, 42300, mid)).toEqual({ kind: "exhausted" });
    expect(nextStep(config, 1, 1, null, 42300, mid).kind).toBe("visibility");
    expect(nextStep(config, 2, 1, null, 42300, mid)).toEqual({ kind: "exhausted" });
    expect(nextStep(config, 5, 5, null, 42300, mid).kind).not.toBe("exhausted");
    expect(nextStep(config, 6, 5, null, 42300, mid)).toEqual({ kind: "exhausted" });
  });

  it("holds short delays in the visibility timeout, whole seconds, at least 1", () => {
    expect(nextStep(config, 1, 5, null, 42300, mid)).toEqual({
      kind: "visibility",
      delaySeconds: 5,
      visibilitySeconds: 5,
    });
    const tiny = { retry: { ...config.retry, timeFactor: 0.01 } };
    expect(nextStep(tiny, 1, 5, null, 42300, mid)).toMatchObject({
      kind: "visibility",
      visibilitySeconds: 1,
    });
  });

  it("hands delays beyond the visibility cap to the scheduler", () => {
    expect(nextStep(config, 3, 5, null, 42300, mid)).toEqual({
      kind: "visibility",
      delaySeconds: 36000,
      visibilitySeconds: 36000,
    });
    expect(nextStep(config, 4, 5, null, 42300, mid)).toEqual({ kind: "schedule", delaySeconds: 50000 });
  });

  it("lets Retry-After lengthen a delay up to the longest one", () => {
    expect(nextStep(config, 1, 5, 120, 42300, mid)).toMatchObject({
      kind: "visibility",
      visibilitySeconds: 120,
    });
    expect(nextStep(config, 1, 5, 10 ** 7, 42300, mid)).toEqual({ kind: "schedule", delaySeconds: 50000 });
  });
});
