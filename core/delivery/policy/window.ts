/**
 * One endpoint's recent attempts as this process saw them, over a sliding window
 * (`isolation.windowSeconds`), and what they mean (docs/delivery.md, "Isolation"):
 *
 * - **breaker**: it opens on a run of `breakerFailures` failures in a row that outnumbers the
 *   window's successes (`breakerTrip`), or when, over the window, at least `windowMinRequests`
 *   attempts were made and `breakerFailureRate` of them failed (an endpoint that answers a
 *   success now and then is cut off too); an endpoint that
 *   never fails twice in a row fails half the time, below the rate, and its run is reset by
 *   each success: it is never cut off. Both are judged on this process's own attempts, in
 *   order, not on the endpoint's shared `consecutive_failures`: processes add their failures
 *   to that counter and a success resets it only when written (once per cache lifetime per
 *   process, so the happy path costs no write per request), so at thousands of requests a
 *   second an endpoint failing half the time reaches any count there;
 * - **latency**: an endpoint whose median answer over the window takes more than
 *   `slowFraction` of the shared lane's budget moves to the slow lane, like one whose attempt
 *   ran into the budget: one answering 200 in 1.9 s against a 2 s budget holds the shared lane
 *   as much as one that times out.
 *
 * Per process, in memory, no writes: each consumer instance judges from its own share of the
 * endpoint's traffic (at 5,000 requests/s over hundreds of instances, still dozens a minute
 * each). Pure: the caller passes the clock.
 */
import type { Config } from "../../config/index.js";
import type { AttemptWindow } from "../../model/index.js";

export type WindowSettings = Pick<
  Config["isolation"],
  | "windowSeconds"
  | "windowMinRequests"
  | "breakerFailureRate"
  | "breakerFailures"
  | "slowFraction"
  | "fastLaneBudgetMs"
>;

export type { AttemptWindow };

const BUCKET_MS = 10_000;

export const emptyWindow = (): AttemptWindow => ({ buckets: [], run: 0 });

/** Adds one answered attempt (at `atMs`, taking `latencyMs`); drops buckets older than the window. */
export function observe(
  w: AttemptWindow,
  o: { atMs: number; ok: boolean; latencyMs: number },
  s: WindowSettings,
): AttemptWindow {
  const at = Math.floor(o.atMs / BUCKET_MS) * BUCKET_MS;
  const buckets = w.buckets.filter((b) => b.at > o.atMs - s.windowSeconds * 1000);
  let bucket = buckets.find((b) => b.at === at);
  if (!bucket) {
    bucket = { at, requests: 0, failed: 0, slow: 0 };
    buckets.push(bucket);
    buckets.sort((a, b) => a.at - b.at);
  }
  bucket.requests += 1;
  if (!o.ok) bucket.failed += 1;
  if (o.latencyMs > s.slowFraction * s.fastLaneBudgetMs) bucket.slow += 1;
  return { buckets, run: o.ok ? 0 : w.run + 1 };
}

function totals(w: AttemptWindow, nowMs: number, s: WindowSettings) {
  const live = w.buckets.filter((b) => b.at > nowMs - s.windowSeconds * 1000);
  return live.reduce(
    (t, b) => ({ requests: t.requests + b.requests, failed: t.failed + b.failed, slow: t.slow + b.slow }),
    { requests: 0, failed: 0, slow: 0 },
  );
}

/** Enough attempts failed over the window to open the breaker, whatever their order. */
export function failureRateTrips(w: AttemptWindow, nowMs: number, s: WindowSettings): boolean {
  const t = totals(w, nowMs, s);
  return t.requests >= s.windowMinRequests && t.failed >= s.breakerFailureRate * t.requests;
}

/**
 * Why this process's attempts open the breaker, or none. A run of `breakerFailures` failures
 * counts once it also outnumbers the successes this process saw over the window: at a few
 * requests a minute the run decides (the rate has too few attempts to judge), at hundreds the
 * rate does, since there a run of 10 is chance, not an outage (an endpoint failing 30 % of
 * the time at 5,000 requests/s makes one somewhere about every minute), while an endpoint that dies after
 * 15 successes is still cut off after 15 failures, not when 80 % of the minute has failed.
 */
export function breakerTrip(
  w: AttemptWindow,
  nowMs: number,
  s: WindowSettings,
): "consecutive failures" | "failure rate" | undefined {
  const t = totals(w, nowMs, s);
  if (w.run >= s.breakerFailures && w.run >= t.requests - t.failed) return "consecutive failures";
  if (failureRateTrips(w, nowMs, s)) return "failure rate";
  return undefined;
}

/** Most answers over the window (the median) took more than `slowFraction` of the budget. */
export function medianTooSlow(w: AttemptWindow, nowMs: number, s: WindowSettings): boolean {
  const t = totals(w, nowMs, s);
  return t.requests >= SLOW_MIN_SAMPLES && t.slow * 2 > t.requests;
}

/** Answers the latency rule needs before it moves an endpoint (one slow answer is not a trend). */
export const SLOW_MIN_SAMPLES = 5;
