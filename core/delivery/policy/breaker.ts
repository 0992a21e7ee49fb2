/**
 * The per-endpoint circuit breaker's policy, as pure functions of the endpoint record
 * (docs/delivery.md, "Isolation").
 *
 * The breaker is one field, `breaker_open_until`: absent or null = closed; a time in the
 * future = open (the endpoint's tasks are parked, no request is made); a time in the past =
 * half-open (the next task claims one probe, which closes the breaker on success); what the
 * field means at a time is `breakerState` in core/model/endpoint.ts, which the API's view reads
 * too. When it opens is policy/window.ts's `breakerTrip`: each process judges the attempts it
 * made (a run of failures, or a failure rate over a minute), not the endpoint's shared
 * `consecutive_failures`, which processes add to between successes that are not all written.
 */

import { type Config, SQS_MAX_DELAY_SECONDS } from "../../config/index.js";
import { spreadSeconds } from "../../lib/index.js";
import type { EndpointRecord } from "../../model/index.js";

type Cooldown = Pick<Config["isolation"], "breakerCooldownSeconds" | "breakerCooldownMaxSeconds">;

/** How much of the outage so far the next cooldown lasts: probes thin out geometrically. */
export const COOLDOWN_GROWTH = 0.25;

/**
 * The breaker's cooldown: `breakerCooldownSeconds` at first, then a quarter of the outage so
 * far (since the run's `first_failure_at`), at most `breakerCooldownMaxSeconds`. A dead
 * endpoint is probed every minute in its first minutes, every 15 min after an hour, hourly
 * after four: requests spent on it per hour fall as the outage lasts instead of staying at
 * 60 an hour (docs/delivery.md).
 */
export function cooldownSeconds(
  endpoint: Pick<EndpointRecord, "first_failure_at"> | undefined,
  now: Date,
  isolation: Cooldown,
): number {
  const since = endpoint?.first_failure_at ? Date.parse(endpoint.first_failure_at) : now.getTime();
  const outageSeconds = Math.max(0, (now.getTime() - since) / 1000);
  const grown = Math.max(isolation.breakerCooldownSeconds, Math.floor(outageSeconds * COOLDOWN_GROWTH));
  return Math.min(Math.max(isolation.breakerCooldownMaxSeconds, isolation.breakerCooldownSeconds), grown);
}

/** When an opened (or re-opened, after a failed probe) breaker next lets a probe through. */
export function openUntil(
  now: Date,
  isolation: Cooldown,
  endpoint?: Pick<EndpointRecord, "first_failure_at">,
): Date {
  return new Date(now.getTime() + cooldownSeconds(endpoint, now, isolation) * 1000);
}

/**
 * How long a parked task waits before it looks again: until the breaker may half-open, plus
 * a spread so a parked backlog does not return all at once; within SQS's 15 min delay. The
 * spread (random × half the wait, at most 30 s) rounds up, not through core/lib's
 * `spreadSeconds` (1 + random × width, rounded down): the two differ where random × width is
 * whole, e.g. 15 s against 16 s at random 0.5 (the draw decide.unit pins), so folding would
 * move the pinned park delays by a second.
 */
export function parkDelaySeconds(until: string, now: Date, random: () => number): number {
  const wait = Math.ceil((Date.parse(until) - now.getTime()) / 1000);
  const spread = Math.ceil(random() * Math.min(30, Math.max(1, wait / 2)));
  return Math.min(SQS_MAX_DELAY_SECONDS, Math.max(1, wait) + spread);
}

/** The spread over which parks DynamoDB refused come back (a minute): the log's shards take them paced. */
export const REFUSED_PARK_SPREAD_SECONDS = 60;

/**
 * How long a task whose park write was refused waits on the queue (delayed, so not in flight
 * against SQS's cap) before it is decided again: spread, so the refused part of a wave does not
 * return as one wave.
 */
export function refusedParkDelaySeconds(random: () => number): number {
  return spreadSeconds(1, REFUSED_PARK_SPREAD_SECONDS, random);
}
