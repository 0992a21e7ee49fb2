/**
 * The endpoint directory: each organization's endpoints as ingest (matching) and delivery
 * (URL, secrets) see them, from a brief per-process cache (core/lib/org-cache.ts). The
 * composition root (core/deps.ts) builds one per process; writers invalidate it.
 * A read that must be current (the API) goes through the endpoints service instead.
 */

import { type OrgCacheOptions, orgCache } from "../lib/index.js";
import type { EndpointRecord } from "../model/index.js";

export interface EndpointDirectory {
  /** Every endpoint of the organization, cached briefly. */
  list(org: string): Promise<EndpointRecord[]>;
  /** One endpoint from the cached list; undefined when it is not there. */
  cached(org: string, id: string): Promise<EndpointRecord | undefined>;
  /** Forget an organization's entry (after a write in this process). */
  invalidate(org: string): void;
}

/** The store's part the directory reads. */
export interface EndpointLists {
  listAll(org: string): Promise<EndpointRecord[]>;
}

export function endpointDirectory(store: EndpointLists, cache: OrgCacheOptions): EndpointDirectory {
  const lists = orgCache((org) => store.listAll(org), cache);
  return {
    list: (org) => lists.get(org),
    cached: async (org, id) => (await lists.get(org)).find((e) => e.id === id),
    invalidate: (org) => lists.invalidate(org),
  };
}
