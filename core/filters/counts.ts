/**
 * Counting the events endpoints' filters refused (shown as `filtered_count`). Counted once,
 * by the invocation whose write decided the targets; best effort: a count that fails is
 * logged, never allowed to fail the event's fan-out.
 */
import type { Uses } from "../deps.js";
import { logger } from "../log/index.js";
import type { EndpointRecord } from "../model/index.js";

export async function countFiltered(
  deps: Uses<"filterCountStore">,
  org: string,
  filtered: readonly EndpointRecord[] = [],
) {
  await Promise.all(
    filtered.map((ep) =>
      deps.filterCountStore
        .add(org, ep.id)
        .catch((err: unknown) =>
          logger.warn("filtered_count not updated", { org_id: org, endpoint_id: ep.id, error: String(err) }),
        ),
    ),
  );
}
