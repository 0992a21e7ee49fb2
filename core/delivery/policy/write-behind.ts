/**
 * Health writes are written behind, never dropped (docs/delivery.md, "Health writes"): what a
 * batch saw of an endpoint and did not write stays in this process's memo and goes with the
 * endpoint's next write, instead of being logged and lost. Two reasons to hold: the write was
 * refused (the endpoint's item throttled, a hot partition: retried after a backoff), or it
 * only counts failures and this process wrote the endpoint's failures less than
 * `FAILURE_WRITE_SPACING_MS` ago. Pure: which observations to keep (a bounded summary), and
 * when to write them.
 */
import { heldWriteRetryMs } from "../../lib/index.js";

/** What the health writes need of one answered attempt (core/delivery/health.ts). */
export interface Observed {
  ok: boolean;
  at: Date;
  test?: boolean;
  /** How many failed attempts this one stands for (a summary of several); 1 when absent. */
  count?: number;
  /** An AWS destination refused access (core/delivery/access-denied.ts reads the latest). */
  accessDenied?: boolean;
}

/** How many attempts an observation stands for. */
export const weight = (o: Pick<Observed, "count">): number => o.count ?? 1;

/**
 * A bounded summary that the health writes treat as the same as `observations`: with a
 * success, only the successes matter (the latest, and the latest test event's, which sets
 * `last_verified_at`); with failures only, their count, the earliest (the run's start), the
 * latest (its error) and the latest access refusal (the access-denied state, entered on it).
 * At most three observations, whatever the number of batches held.
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
  const refusals = observations.filter((o) => o.accessDenied);
  const refused = refusals.length > 0 ? latest(refusals) : undefined;
  const total = observations.reduce((n, o) => n + weight(o), 0);
  if (!refused || refused === earliest || refused === last)
    return [
      { ...earliest, count: 1 },
      { ...last, count: total - 1 },
    ];
  return [
    { ...earliest, count: 1 },
    { ...refused, count: 1 },
    { ...last, count: total - 2 },
  ];
}

/** Waits before a held write is tried again: 1 s, doubling, at most a minute (core/lib). */
export const retryDelayMs = heldWriteRetryMs;

/**
 * How often one process writes one endpoint's failure counts, at most (the first at once).
 * A dead endpoint in nearly every batch of the shared lane made one write per batch on its
 * organization's `ORG#` partition, ~1,500 a second at the delivery lane's 847 invocations of
 * 0.38 s (core/config/capacity.ts), over the partition's 1,000 write units; spaced, at most
 * one per process per 5 s: ~240 a second with both lanes' 1,207 invocations, whatever the
 * traffic. The delay this adds is bounded by the spacing (and, for counts a process holds
 * when it gets no batch, by its timer: core/delivery/health.ts), and it delays nothing that
 * decides: the breaker and the slow lane are judged on every outcome at once from this
 * process's window (policy/window.ts), a run's start is the earliest failure's own time, and
 * a run becomes failing after hours (`failingAfterHours`). What it delays is the shared
 * `consecutive_failures`, `last_error` and the failing mark by at most that.
 */
export const FAILURE_WRITE_SPACING_MS = 5_000;

/** When this process last wrote (or was refused) the endpoint's health. */
export interface WriteTimes {
  /** A refused write is tried again from then on (`retryDelayMs`). */
  retryAt?: number;
  /** When this process last wrote the endpoint's failures (ms). */
  failuresWrittenAt?: number;
}

/**
 * From when `observations` (what is held and what a batch saw) may be written: at once unless
 * a refused write is backing off; failures alone also wait for the spacing. A success is not
 * spaced: it resets the run, closes the breaker, returns a failing endpoint to active (and
 * health.ts's `successWrite` already writes a healthy endpoint's successes once a minute).
 */
export function writeDueAt(w: WriteTimes, observations: readonly Observed[]): number {
  const backoff = w.retryAt ?? 0;
  if (observations.some((o) => o.ok)) return backoff;
  const spaced = w.failuresWrittenAt === undefined ? 0 : w.failuresWrittenAt + FAILURE_WRITE_SPACING_MS;
  return Math.max(backoff, spaced);
}
