import { describe, expect, it } from "vitest";
import { nextStep } from "../../core/delivery/policy/next-step.js";

const config = { retry: { scheduleSeconds: [5, 300, 36000, 50000], timeFactor: 1, jitter: 0.1 } };
const mid = () => 0.5; // no jitter

/** nextStep without jitter. */
const step = (
  cfg: typeof config,
  attempt: number,
  maxRetries: number,
  retryAfterSeconds: number | null = null,
) => nextStep(cfg, { attempt, maxRetries, retryAfterSeconds, random: mid });

describe("nextStep", () => {
  it("gives max_retries retries after the first attempt", () => {
    expect(step(config, 1, 0)).toEqual({ kind: "exhausted" });
    expect(step(config, 1, 1).kind).toBe("retry");
    expect(step(config, 2, 1)).toEqual({ kind: "exhausted" });
    expect(step(config, 5, 5).kind).not.toBe("exhausted");
    expect(step(config, 6, 5)).toEqual({ kind: "exhausted" });
  });

  it("waits whole seconds, at least 1", () => {
    expect(step(config, 1, 5)).toEqual({ kind: "retry", delaySeconds: 5, seconds: 5 });
    const tiny = { retry: { ...config.retry, timeFactor: 0.01 } };
    expect(step(tiny, 1, 5)).toMatchObject({ kind: "retry", seconds: 1 });
  });

  it("lets Retry-After lengthen a delay up to the longest one", () => {
    expect(step(config, 1, 5, 120)).toMatchObject({ kind: "retry", seconds: 120 });
    expect(step(config, 1, 5, 10 ** 7)).toMatchObject({ kind: "retry", delaySeconds: 50000 });
  });
});
