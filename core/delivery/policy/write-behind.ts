/**
 * Health writes are written behind, never dropped (docs/delivery.md, "Health writes"): what a
 * batch saw of an endpoint and could not write (the endpoint's item throttled, a hot
 * partition) stays in this process's memo and goes with the endpoint's next write, retried
 * after a backoff, instead of being logged and lost. Pure: which observations to keep (a
 * bounded summary), and when to try again.
 */
import { heldWriteRetryMs } from "../../lib/index.js";

/** What the health writes need of one answered attempt (core/delivery/health.ts). */
export interface Observed {
  ok: boolean;
  at: Date;
  test?: boolean;
  /** How many failed attempts this one stands for (a summary of several); 1 when absent. */
  count?: number;
}

/** How many attempts an observation stands for. */
export const weight = (o: Pick<Observed, "count">): number => o.count ?? 1;

/**
 * A bounded summary that the health writes treat as the same as `observations`: with a
 * success, only the successes matter (the latest, and the latest test event's, which sets
 * `last_verified_at`); with failures only, their count, the earliest (the run's start) and the
 * latest (its error). At most three observations, whatever the number of batches held.
 */
export function summarize<O extends Observed>(observations: readonly O[]): O[] {
  if (observations.length <= 2) return [...observations];
  const latest = (list: readonly O[]) => list.reduce((a, b) => (b.at >= a.at ? b : a));
  const successes = observations.filter((o) => o.ok);
  if (successes.length > 0) {
    const tests = successes.filter((o) => o.test);
    const kept = [latest(successes), ...(tests.length > 0 ? [latest(tests)] : [])];
    return [...new Set(kept)];
  }
  const earliest = observations.reduce((a, b) => (b.at < a.at ? b : a));
  const last = latest(observations);
  const total = observations.reduce((n, o) => n + weight(o), 0);
  return [
    { ...earliest, count: 1 },
    { ...last, count: total - 1 },
  ];
}

/** Waits before a held write is tried again: 1 s, doubling, at most a minute (core/lib). */
export const retryDelayMs = heldWriteRetryMs;
