/**
 * What follows a failed attempt: another one after a delay (held by SQS visibility, or by
 * the scheduler when longer than a visibility timeout may be), or the dead-letter queue.
 *
 * Attempt n is the (n-1)th retry; `max_retries` retries follow the first attempt, so a
 * task gets at most max_retries + 1 attempts.
 */
import type { Config } from "../../config/index.js";
import { nextDelaySeconds } from "./retry.js";

export type NextStep =
  | { kind: "visibility"; delaySeconds: number; visibilitySeconds: number }
  | { kind: "schedule"; delaySeconds: number }
  | { kind: "exhausted" };

export function retriesLeft(attempt: number, maxRetries: number): boolean {
  return attempt <= maxRetries;
}

/** The attempt that just failed, and what bounds the next one. */
export interface FailedAttempt {
  /** The failed attempt's number (1-based). */
  attempt: number;
  /** The endpoint's `max_retries`. */
  maxRetries: number;
  /** The receiver's Retry-After, when it sent one. */
  retryAfterSeconds: number | null;
  /** The longest wait a visibility timeout may hold; longer ones go to the scheduler. */
  maxVisibilitySeconds: number;
  /** Jitter's source (tests pin it). */
  random?: () => number;
}

export function nextStep(config: Pick<Config, "retry">, failed: FailedAttempt): NextStep {
  const { attempt, maxRetries, retryAfterSeconds, maxVisibilitySeconds, random = Math.random } = failed;
  if (!retriesLeft(attempt, maxRetries)) return { kind: "exhausted" };
  const delaySeconds = nextDelaySeconds(config.retry, attempt, retryAfterSeconds, random);
  // SQS visibility is whole seconds; at least 1 so a retry never comes back instantly.
  const visibilitySeconds = Math.max(1, Math.ceil(delaySeconds));
  if (visibilitySeconds > maxVisibilitySeconds) return { kind: "schedule", delaySeconds };
  return { kind: "visibility", delaySeconds, visibilitySeconds };
}
