/**
 * `filtered_count` of endpoint items (ORG#{org} / EP#{id}): events an endpoint's payload
 * filter refused. One UpdateItem per filtered endpoint, conditional on the endpoint still
 * existing (a late count must not bring a deleted endpoint back as a stub).
 */

import { updateExisting } from "./item.js";
import { keys } from "./keys.js";
import type { Db } from "./table.js";

/** What filter counting uses. */
export interface FilterCountStore {
  /** Adds `n` (1) to the endpoint's `filtered_count`; nothing when the endpoint is gone. */
  add(org: string, endpointId: string, n?: number): Promise<void>;
}

export function filterCountStore(db: Db): FilterCountStore {
  return {
    add: async (org, endpointId, n = 1) => {
      await updateExisting(db, keys.endpoint(org, endpointId), "ADD filtered_count :n", { ":n": n });
    },
  };
}
