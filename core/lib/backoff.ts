/**
 * Backoff and spread, written once: how long something refused now waits before it is tried
 * again. `doubling` is how the wait grows with each refusal; `spreadSeconds` draws the wait at
 * random within a range, so what was refused in the same second (a burst over a rate limit, a
 * wave of park writes on a throttled partition) does not come back in one second either, and
 * is not refused again as one. Pure: the caller passes `random` (the simulation's seeded draw,
 * a test's constant).
 *
 * Each caller keeps its own constants: ingest's deferred copies (core/events/defer.ts), tasks
 * refused by a rate limit or the trial gate (core/delivery/policy/rate-limit.ts, trial.ts), park
 * writes refused (policy/breaker.ts), writes held in a process (held-write.ts), transactions
 * that conflicted (core/store/transact.ts), batch writes left unprocessed (core/store/batch-write.ts).
 */

/** The `n`-th (from 0) wait of a doubling series: `first` × 2^n, at most `max`. */
export function doubling(first: number, n: number, max: number): number {
  return Math.min(max, first * 2 ** n);
}

/**
 * A wait drawn uniformly from [from, from + width) seconds, in whole seconds (rounded down):
 * with a whole `from`, each of the `width` seconds from `from` on is as likely; `from` half a
 * second up, a draw from [from − ½, from − ½ + width) to the nearest second.
 */
export function spreadSeconds(from: number, width: number, random: () => number): number {
  return Math.floor(from + random() * width);
}
