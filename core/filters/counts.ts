/**
 * Counting the events endpoints' filters refused (shown as `filtered_count`). Counted once,
 * by the invocation whose write decided the targets; best effort: a count that fails is
 * logged, never allowed to fail the event's fan-out.
 *
 * The counter is an `ADD` on the endpoint's item, in its organization's partition (ORG#{org}),
 * which also holds the endpoint's health and breaker writes. One `ADD` per filtered event
 * would put a 5,000 events/s tenant's filtering endpoint at 5,000 writes/s on a partition that
 * takes ~1,000: the ingest handler therefore tallies a whole batch (`filterTally`) and adds
 * each endpoint's count once, at most one write per endpoint per batch of 10 (docs/cost.md,
 * "Per-organization ceiling").
 */
import type { Uses } from "../deps.js";
import { logger } from "../log/index.js";
import type { EndpointRecord } from "../model/index.js";

/** Filtered counts of one batch, per organization and endpoint, written once by `flush`. */
export interface FilterTally {
  add(org: string, filtered: readonly EndpointRecord[]): void;
  /** One `ADD` per endpoint with the batch's count; the tally is empty afterwards. */
  flush(): Promise<void>;
}

export function filterTally(deps: Uses<"filterCountStore">): FilterTally {
  const pending = new Map<string, { org: string; endpointId: string; n: number }>();
  return {
    add(org, filtered) {
      for (const ep of filtered) {
        const key = `${org}/${ep.id}`;
        const entry = pending.get(key) ?? { org, endpointId: ep.id, n: 0 };
        entry.n += 1;
        pending.set(key, entry);
      }
    },
    async flush() {
      const entries = [...pending.values()];
      pending.clear();
      await Promise.all(entries.map((e) => addCount(deps, e.org, e.endpointId, e.n)));
    },
  };
}

/** Counts one event's filtered endpoints: into `tally` when the caller batches, else at once. */
export async function countFiltered(
  deps: Uses<"filterCountStore">,
  org: string,
  filtered: readonly EndpointRecord[] = [],
  tally?: FilterTally,
) {
  if (tally) return tally.add(org, filtered);
  await Promise.all(filtered.map((ep) => addCount(deps, org, ep.id, 1)));
}

function addCount(deps: Uses<"filterCountStore">, org: string, endpointId: string, n: number) {
  return deps.filterCountStore
    .add(org, endpointId, n)
    .catch((err: unknown) =>
      logger.warn("filtered_count not updated", { org_id: org, endpoint_id: endpointId, error: String(err) }),
    );
}
