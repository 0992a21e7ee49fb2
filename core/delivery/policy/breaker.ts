/**
 * The per-endpoint circuit breaker's policy, as pure functions of the endpoint record
 * (docs/delivery.md, "Isolation").
 *
 * The breaker is one field, `breaker_open_until`: absent or null = closed; a time in the
 * future = open (the endpoint's tasks are parked, no request is made); a time in the past =
 * half-open (the next task claims one probe, which closes the breaker on success); what the
 * field means at a time is `breakerState` in core/model/endpoint.ts, which the API's view reads
 * too. It opens when `consecutive_failures` reaches the threshold, a counter the health writes
 * keep anyway, so a healthy endpoint costs no extra write.
 */

import { type Config, SQS_MAX_DELAY_SECONDS } from "../../config/index.js";
import type { EndpointRecord } from "../../model/index.js";

/** Should a run of failures (the endpoint after the counter was raised) open the breaker? */
export function shouldOpen(
  endpoint: Pick<EndpointRecord, "consecutive_failures" | "breaker_open_until">,
  isolation: Pick<Config["isolation"], "breakerFailures">,
): boolean {
  return !endpoint.breaker_open_until && endpoint.consecutive_failures >= isolation.breakerFailures;
}

/** When an opened (or re-opened, after a failed probe) breaker next lets a probe through. */
export function openUntil(now: Date, isolation: Pick<Config["isolation"], "breakerCooldownSeconds">): Date {
  return new Date(now.getTime() + isolation.breakerCooldownSeconds * 1000);
}

/**
 * How long a parked task waits before it looks again: until the breaker may half-open, plus
 * a spread so a parked backlog does not return all at once; within SQS's 15 min delay.
 */
export function parkDelaySeconds(until: string, now: Date, random: () => number): number {
  const wait = Math.ceil((Date.parse(until) - now.getTime()) / 1000);
  const spread = Math.ceil(random() * Math.min(30, Math.max(1, wait / 2)));
  return Math.min(SQS_MAX_DELAY_SECONDS, Math.max(1, wait) + spread);
}
