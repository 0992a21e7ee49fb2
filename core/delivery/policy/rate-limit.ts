/**
 * What a task refused by its endpoint's `rate_limit` does (docs/delivery.md, "Rate limit"):
 * it is deferred, re-sent with DelaySeconds to a later one-second window, no request made,
 * no attempt counted (`deferred`, decide.ts). Whether a window is full is asked in
 * core/delivery/rate-limit.ts.
 */
import { doubling, spreadSeconds } from "../../lib/index.js";

/** The longest spread added to a deferred task's wait (seconds), however often it was deferred. */
const MAX_SPREAD_SECONDS = 30;

/**
 * How long a deferred task waits: into the next window at least, plus a random spread that
 * doubles with each deferral (up to 30 s), so a backlog many times the limit does not come
 * back all in the same second.
 */
export function deferSeconds(deferrals: number, random: () => number): number {
  return spreadSeconds(1, doubling(1, deferrals, MAX_SPREAD_SECONDS), random);
}
