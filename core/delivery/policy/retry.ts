/**
 * The retry schedule (docs/delivery.md; docs/design.md "Where each policy lives"): the delay after attempt n is
 * `scheduleSeconds[n-1] × timeFactor` (the last value repeats), ±jitter.
 *
 * `Retry-After` (on 429/503) is honoured within the schedule's bounds: it may lengthen the
 * wait up to the schedule's longest delay, but never shortens it below the scheduled
 * delay. Shortening would let one receiver pull retries forward and defeat the backoff;
 * capping keeps a hostile or buggy value (a year) from parking a task past SQS retention.
 */
import type { Config } from "../../config/index.js";

export type RetrySettings = Config["retry"];

/** Delay (seconds, fractional) before the attempt after attempt `attempt` (1-based). */
export function retryDelaySeconds(
  settings: RetrySettings,
  attempt: number,
  random: () => number = Math.random,
): number {
  const base = baseDelaySeconds(settings, attempt);
  const spread = settings.jitter * (2 * random() - 1);
  return Math.max(0, base * (1 + spread));
}

/** The un-jittered delay after attempt `attempt`. */
export function baseDelaySeconds(settings: RetrySettings, attempt: number): number {
  const list = settings.scheduleSeconds;
  if (list.length === 0) return 0;
  const index = Math.min(Math.max(attempt, 1), list.length) - 1;
  return list[index]! * settings.timeFactor;
}

/** The schedule's longest delay (scaled): the ceiling for a `Retry-After`. */
export function maxDelaySeconds(settings: RetrySettings): number {
  return Math.max(0, ...settings.scheduleSeconds) * settings.timeFactor;
}

/** Seconds from `now` a `Retry-After` asks for (delta-seconds or HTTP-date); undefined if unusable. */
export function parseRetryAfter(value: string | undefined | null, now: Date): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  // An HTTP-date names a weekday and month; anything else (e.g. "-5") is not one.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, (at - now.getTime()) / 1000);
}

/** The next delay: the schedule's, lengthened by a `Retry-After` up to the longest delay. */
export function nextDelaySeconds(
  settings: RetrySettings,
  attempt: number,
  retryAfterSeconds: number | null | undefined,
  random: () => number = Math.random,
): number {
  const scheduled = retryDelaySeconds(settings, attempt, random);
  if (retryAfterSeconds === null || retryAfterSeconds === undefined) return scheduled;
  return Math.max(scheduled, Math.min(retryAfterSeconds, maxDelaySeconds(settings)));
}

/**
 * How far back, from the window's start, the events whose retries may fall in the window go:
 * the retry schedule's span for `maxRetries` (each delay at its jitter's longest).
 */
export function retryHorizonMs(settings: RetrySettings, maxRetries: number): number {
  let seconds = 0;
  for (let n = 1; n <= maxRetries; n++) seconds += baseDelaySeconds(settings, n) * (1 + settings.jitter);
  return Math.ceil(seconds * 1000);
}
