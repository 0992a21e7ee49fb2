/**
 * The endpoint's health thresholds (docs/delivery.md, "Failing endpoints" and "Isolation"), as
 * pure functions: when a success must be written, when a run of failures marks the endpoint
 * failing and when its auto-disable falls due, when the breaker opens (on this process's run
 * of failures, on the window's failure rate) and when the endpoint moves to the slow lane. No I/O and no
 * clock reads: the caller passes the time. The writes that follow are core/delivery/health.ts's.
 */
import type { Config } from "../../config/index.js";
import { type AttemptWindow, type EndpointRecord, isSlow } from "../../model/index.js";
import { breakerTrip, medianTooSlow, type WindowSettings } from "./window.js";

/** How stale `last_delivery_at` may get before a success refreshes it. */
export const LAST_DELIVERY_REFRESH_MS = 60_000;

/** The endpoint carries something a written success resets. */
const unhealthy = (e: EndpointRecord): boolean =>
  e.status === "failing" ||
  !!e.breaker_open_until ||
  e.consecutive_failures > 0 ||
  e.first_failure_at !== null ||
  e.failing_since !== null;

/** What this process remembers of its own health writes of the endpoint (the root's memo). */
export interface HealthWrites {
  /** When this process last wrote a healthy state (ms). */
  healedAt?: number;
  /** The last `last_delivery_at` this process wrote (ms). */
  lastDeliveryAt?: number;
  /** This process recorded a failure since it last wrote a healthy state. */
  failedSinceHeal?: boolean;
}

/**
 * The `last_delivery_at` a batch with a success at `latest` (ms) writes, resetting the run of
 * failures; null when no write is needed: a healthy endpoint whose `last_delivery_at` is less
 * than a minute old, or one this process reset so recently that its cached record (`cacheMs`)
 * may not show it yet.
 */
export function successWrite(
  endpoint: EndpointRecord,
  memo: HealthWrites,
  latest: number,
  { now, cacheMs }: { now: number; cacheMs: number },
): string | null {
  const healedRecently = memo.healedAt !== undefined && now - memo.healedAt < cacheMs;
  const stored = endpoint.last_delivery_at ? Date.parse(endpoint.last_delivery_at) : 0;
  const lastKnown = Math.max(stored, memo.lastDeliveryAt ?? 0);
  const stale = latest - lastKnown >= LAST_DELIVERY_REFRESH_MS;
  // A failure this process recorded since its last reset counts even when the cached record
  // predates it: otherwise failures between successes (200, 500, 200, 500 …) add up as a "run".
  const failed = unhealthy(endpoint) || memo.failedSinceHeal === true;
  if (!((failed && !healedRecently) || stale)) return null;
  return new Date(Math.max(latest, lastKnown)).toISOString();
}

/** An active endpoint whose run of failures began `failingAfterHours` ago becomes failing. */
export function becomesFailing(
  endpoint: Pick<EndpointRecord, "status">,
  firstFailureAt: string,
  now: number,
  health: Pick<Config["health"], "failingAfterHours">,
): boolean {
  if (endpoint.status !== "active") return false;
  return now - Date.parse(firstFailureAt) >= health.failingAfterHours * 3_600_000;
}

/**
 * When a failing endpoint is disabled: `disableAfterDays` after the run of failures began
 * (Svix: "all attempts failing for 5 days"), not after the endpoint became failing, which
 * added `failingAfterHours` to it; never before the endpoint is failing.
 */
export function disableAt(
  run: { failingSince: string; firstFailureAt: string },
  health: Pick<Config["health"], "disableAfterDays">,
): Date {
  const due = Date.parse(run.firstFailureAt) + health.disableAfterDays * 86_400_000;
  return new Date(Math.max(Date.parse(run.failingSince), due));
}

/** Why the breaker opens: this process's run of failures, or its window's failure rate. */
export type Trip = NonNullable<ReturnType<typeof breakerTrip>>;

/**
 * What this process's window of the endpoint's attempts says (policy/window.ts): the breaker
 * opens on a run of failures or a failure rate (unless open already), the endpoint moves to
 * the slow lane on its median latency (unless there already); null: neither. The endpoint's
 * shared `consecutive_failures` is not looked at (policy/window.ts says why).
 */
export function windowVerdict(
  endpoint: EndpointRecord,
  window: AttemptWindow,
  now: Date,
  s: WindowSettings,
): Trip | "slow-lane" | null {
  const trip = endpoint.breaker_open_until ? undefined : breakerTrip(window, now.getTime(), s);
  if (trip) return trip;
  if (!isSlow(endpoint, now) && medianTooSlow(window, now.getTime(), s)) return "slow-lane";
  return null;
}
