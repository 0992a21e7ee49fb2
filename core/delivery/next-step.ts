/**
 * What follows a failed attempt: another one after a delay (held by SQS visibility, or by
 * the scheduler when longer than a visibility timeout may be), or the dead-letter queue.
 *
 * Attempt n is the (n-1)th retry; `max_retries` retries follow the first attempt, so a
 * task gets at most max_retries + 1 attempts.
 */
import type { Config } from "../config/runtime.js";
import { nextDelaySeconds } from "./retry.js";

export type NextStep =
  | { kind: "visibility"; delaySeconds: number; visibilitySeconds: number }
  | { kind: "schedule"; delaySeconds: number }
  | { kind: "exhausted" };

export function retriesLeft(attempt: number, maxRetries: number): boolean {
  return attempt <= maxRetries;
}

export function nextStep(
  config: Pick<Config, "retry">,
  attempt: number,
  maxRetries: number,
  retryAfterSeconds: number | null,
  maxVisibilitySeconds: number,
  random: () => number = Math.random,
): NextStep {
  if (!retriesLeft(attempt, maxRetries)) return { kind: "exhausted" };
  const delaySeconds = nextDelaySeconds(config.retry, attempt, retryAfterSeconds, random);
  // SQS visibility is whole seconds; at least 1 so a retry never comes back instantly.
  const visibilitySeconds = Math.max(1, Math.ceil(delaySeconds));
  if (visibilitySeconds > maxVisibilitySeconds) return { kind: "schedule", delaySeconds };
  return { kind: "visibility", delaySeconds, visibilitySeconds };
}
