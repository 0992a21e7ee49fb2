/**
 * The per-endpoint circuit breaker and slow-lane flag, as pure functions of the endpoint
 * record (docs/delivery.md, "Isolation").
 *
 * The breaker is one field, `breaker_open_until`: absent or null = closed; a time in the
 * future = open (the endpoint's tasks are parked, no request is made); a time in the past =
 * half-open (the next task claims one probe, which closes the breaker on success). It opens
 * when `consecutive_failures` reaches the threshold, a counter the health writes keep
 * anyway, so a healthy endpoint costs no extra write.
 */

import { SQS_MAX_DELAY_SECONDS } from "../config/infra.js";
import type { Config } from "../config/runtime.js";
import type { EndpointRecord } from "../model/endpoint.js";

export type BreakerState = "closed" | "open" | "half-open";

type Flags = Pick<EndpointRecord, "breaker_open_until" | "slow_until">;

export function breakerState(endpoint: Flags, now: Date): BreakerState {
  const until = endpoint.breaker_open_until;
  if (!until) return "closed";
  return Date.parse(until) > now.getTime() ? "open" : "half-open";
}

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

export function isSlow(endpoint: Flags, now: Date): boolean {
  return !!endpoint.slow_until && Date.parse(endpoint.slow_until) > now.getTime();
}
