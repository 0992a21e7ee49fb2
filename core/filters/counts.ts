/**
 * Counting the events endpoints' filters refused (shown as `filtered_count`), written behind.
 *
 * The counter is an `ADD` on the endpoint's item, in its organization's partition (ORG#{org}),
 * which also takes the endpoint's health and breaker writes and has ~1,000 write units a
 * second. Written per event, or per ingest batch, it grows with the tenant's traffic: a tenant
 * at 5,000 events/s with three filtering endpoints put ~4,000 writes/s on that key in the
 * simulation (docs/scale.md, hot-tenant). So each process holds its counts and writes an
 * endpoint's at most once per `FILTER_COUNT_SPACING_MS` (the first one at once): per endpoint
 * at most (processes / 5 s) writes a second, whatever the traffic (~30/s at the ingest
 * function's 150 instances). What is held is written by the next batch that finds it due, or
 * by one timer per process; a write DynamoDB refuses is held again with a backoff, never
 * dropped. The count is therefore eventually exact, about 5 s behind, except for what a
 * process holds when Lambda retires it (at most its last 5 s of counts: docs/scale.md); the
 * local stack writes what it holds when it stops (`writeAllFilterCounts`).
 */
import type { FilterCountMemo, HeldCount, Uses } from "../deps.js";
import { armHeldTimer, disarmHeldTimer, heldWriteRetryMs } from "../lib/index.js";
import { logger } from "../log/index.js";
import type { EndpointRecord } from "../model/index.js";

/** How often one process writes one endpoint's filter count, at most. */
export const FILTER_COUNT_SPACING_MS = 5_000;

/** What counting uses: the store, this process's held counts, the clock. */
export type FilterCountDeps = Uses<"filterCountStore" | "filterCounts" | "now">;

/**
 * Counts one event's filtered endpoints in this process and writes what is due, unless the
 * caller writes them when its batch ends (`batch`: the ingest handler, `writeFilterCounts`).
 */
export async function countFiltered(
  deps: FilterCountDeps,
  org: string,
  filtered: readonly EndpointRecord[] = [],
  { batch = false } = {},
): Promise<void> {
  for (const ep of filtered) {
    const key = `${org}/${ep.id}`;
    const held = deps.filterCounts.held.get(key) ?? { org, endpointId: ep.id, n: 0, failedWrites: 0 };
    held.n += 1;
    deps.filterCounts.held.set(key, held);
  }
  if (!batch) await writeFilterCounts(deps);
}

/** How long `held` must still wait before it is written (0: now). Pure. */
export function filterCountWaitMs(held: HeldCount, now: number): number {
  if (held.writtenAt === undefined) return 0;
  const spacing = held.failedWrites > 0 ? heldWriteRetryMs(held.failedWrites) : FILTER_COUNT_SPACING_MS;
  return Math.max(0, held.writtenAt + spacing - now);
}

/**
 * Writes the held counts that are due (`all`: every one, due or not), forgets the endpoints
 * that no longer constrain anything, and arms the timer for what is still held. Never throws.
 */
export async function writeFilterCounts(deps: FilterCountDeps, { all = false } = {}): Promise<void> {
  const memo = deps.filterCounts;
  const now = deps.now().getTime();
  const due: HeldCount[] = [];
  for (const [key, held] of memo.held) {
    const wait = filterCountWaitMs(held, now);
    if (held.n > 0 && (all || wait === 0)) due.push(held);
    else if (held.n === 0 && wait === 0) memo.held.delete(key);
  }
  await Promise.all(due.map((held) => writeOne(deps, held, now)));
  armTimer(deps, memo);
}

/**
 * A process that stops (the local stack's stop, after its pollers' last batches) writes every
 * count it holds at once, due or not, and clears its timer: else its last counts (up to 5 s of
 * them) would be lost, and the timer would try them on a stopped stack. A write refused now is
 * lost, logged. Lambda gives a function no such stop (above).
 */
export async function writeAllFilterCounts(deps: FilterCountDeps): Promise<void> {
  await writeFilterCounts(deps, { all: true });
  disarmHeldTimer(deps.filterCounts);
}

async function writeOne(deps: FilterCountDeps, held: HeldCount, now: number): Promise<void> {
  const n = held.n;
  held.n = 0;
  held.writtenAt = now;
  try {
    await deps.filterCountStore.add(held.org, held.endpointId, n);
    held.failedWrites = 0;
  } catch (err) {
    held.n += n;
    held.failedWrites += 1;
    logger.warn("filtered_count write held for retry", {
      org_id: held.org,
      endpoint_id: held.endpointId,
      error: String(err),
    });
  }
}

/**
 * One timer per process writes what batches left held (core/lib `armHeldTimer`, as the health
 * writes'): a long-lived process (the local stack, an API process) may get no further batch,
 * and a count due before the timer's time (another endpoint's write backing off up to a
 * minute) re-arms it.
 */
function armTimer(deps: FilterCountDeps, memo: FilterCountMemo): void {
  const now = deps.now().getTime();
  const waits = [...memo.held.values()].filter((h) => h.n > 0).map((h) => filterCountWaitMs(h, now));
  if (waits.length === 0) return;
  armHeldTimer(memo, now, Math.min(...waits), () => void writeFilterCounts(deps));
}
