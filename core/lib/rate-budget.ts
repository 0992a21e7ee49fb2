/**
 * A token bucket: `take(nowMs)` spends one token if one is left, refilling `perSecond` tokens a
 * second up to `burst`. Per process and in memory: a bound many processes respect together when
 * each takes its share of the whole (core/config/capacity.ts `retrySchedulesPerInstance`).
 * Pure but for its own state: the caller passes the clock, so the simulation's virtual time and
 * a test's clock drive it as the wall clock does.
 */
export interface RateBudget {
  /** Spends one token; false when none is left this instant. */
  take(nowMs: number): boolean;
}

export function rateBudget(perSecond: number, burst: number = Math.max(1, perSecond)): RateBudget {
  let tokens = burst;
  let at: number | undefined;
  return {
    take(nowMs) {
      if (at !== undefined) tokens = Math.min(burst, tokens + (Math.max(0, nowMs - at) / 1000) * perSecond);
      at = nowMs;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
