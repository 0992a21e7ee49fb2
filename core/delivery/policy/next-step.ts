/**
 * What follows a failed attempt: another one after a delay, or none (retries exhausted).
 * Where the wait is held (the message's visibility, a re-send with a delay, the scheduler)
 * is decide.ts's `waitAction`.
 *
 * Attempt n is the (n-1)th retry; `max_retries` retries follow the first attempt, so a
 * task gets at most max_retries + 1 attempts.
 */
import type { Config } from "../../config/index.js";
import { nextDelaySeconds } from "./retry.js";

export type NextStep =
  /** `delaySeconds` as the schedule gives it; `seconds`: whole seconds, at least 1 (SQS's unit). */
  { kind: "retry"; delaySeconds: number; seconds: number } | { kind: "exhausted" };

/** The attempt that just failed, and what bounds the next one. */
export interface FailedAttempt {
  /** The failed attempt's number (1-based). */
  attempt: number;
  /** The endpoint's `max_retries`. */
  maxRetries: number;
  /** The receiver's Retry-After, when it sent one. */
  retryAfterSeconds: number | null;
  /** Jitter's source (tests pin it). */
  random?: () => number;
}

export function nextStep(config: Pick<Config, "retry">, failed: FailedAttempt): NextStep {
  const { attempt, maxRetries, retryAfterSeconds, random = Math.random } = failed;
  if (attempt > maxRetries) return { kind: "exhausted" };
  const delaySeconds = nextDelaySeconds(config.retry, attempt, retryAfterSeconds, random);
  // Whole seconds; at least 1 so a retry never comes back instantly.
  return { kind: "retry", delaySeconds, seconds: Math.max(1, Math.ceil(delaySeconds)) };
}
