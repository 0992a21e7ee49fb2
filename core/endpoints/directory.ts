/**
 * The endpoint directory: each organization's endpoints as ingest (matching) and delivery
 * (URL, secrets) see them, from a brief per-process cache (core/lib/org-cache.ts). The
 * composition root (core/deps.ts) builds one per process; writers invalidate it.
 * A read that must be current (the API) goes through the endpoints service instead.
 * The same entry says whether the organization is deleted (its tombstone, read alongside):
 * ingest refuses events for a deleted organization (core/events/ingest.ts).
 */

import { type OrgCacheOptions, orgCache } from "../lib/index.js";
import type { EndpointDirectory, EndpointRecord } from "../model/index.js";

/** The store's part the directory reads. */
export interface EndpointLists {
  listAll(org: string): Promise<EndpointRecord[]>;
}

/** The organization item's part the directory reads (absent: an organization that exists implicitly). */
export interface OrgTombstones {
  get(org: string): Promise<{ deleted_at?: string } | undefined>;
}

export function endpointDirectory(
  store: EndpointLists,
  orgs: OrgTombstones,
  cache: OrgCacheOptions,
): EndpointDirectory {
  const entries = orgCache(async (org) => {
    const [endpoints, rec] = await Promise.all([store.listAll(org), orgs.get(org)]);
    return { endpoints, deleted: rec?.deleted_at !== undefined };
  }, cache);
  return {
    list: async (org) => (await entries.get(org)).endpoints,
    cached: async (org, id) => (await entries.get(org)).endpoints.find((e) => e.id === id),
    deleted: async (org) => (await entries.get(org)).deleted,
    invalidate: (org) => entries.invalidate(org),
  };
}
