/**
 * The endpoint directory: each organization's endpoints as ingest (matching) and delivery
 * (URL, secrets) see them, from a brief per-process cache (core/lib/org-cache.ts). The
 * composition root (core/deps.ts) builds one per process; writers invalidate it.
 * Ingest matches an event against the organization's whole list; delivery needs only its
 * task's endpoint and reads that one by key (`cached`: a GetItem of ~1 KB, 0.5 read unit),
 * not the list (a query of every endpoint: ~2.5 units for 20): at 10,000 events/s nearly every
 * delivery task misses a 5 s cache, and the list reads were ~75,000 units a second
 * (docs/scale.md, "Per-process caches").
 * Ingest's list is kept while the organization's `endpoints_version` stays (versioned-list.ts).
 * A read that must be current (the API) goes through the endpoints service instead.
 * It also says whether the organization is deleted (its tombstone): ingest refuses events for
 * a deleted organization (core/events/ingest.ts). The tombstone is cached apart and read only
 * when asked, so the delivery function, which reads endpoints at every task, never reads it.
 * The same read gives the organization's payload retention (`retention_days`), which ingest
 * applies to each event (core/model/retention.ts).
 */

import { type OrgCacheOptions, orgCache, orgItemCache } from "../lib/index.js";
import type { EndpointDirectory, EndpointRecord } from "../model/index.js";
import { type ListReads, versionedLists } from "./versioned-list.js";

/** The store's part the directory reads. */
export interface EndpointLists extends ListReads {
  /** One endpoint by its key (undefined: absent). */
  get(org: string, id: string, opts: { consistent: false }): Promise<EndpointRecord | undefined>;
}

/** The organization item's part the directory reads (absent: an organization that exists implicitly). */
export interface OrgTombstones {
  get(
    org: string,
  ): Promise<{ deleted_at?: string; retention_days?: number; endpoints_version?: number } | undefined>;
}

export function endpointDirectory(
  store: EndpointLists,
  orgs: OrgTombstones,
  cache: OrgCacheOptions,
): EndpointDirectory {
  const settings = orgCache(async (org) => {
    const item = await orgs.get(org);
    return {
      deleted: item?.deleted_at !== undefined,
      retentionDays: item?.retention_days,
      version: item?.endpoints_version,
    };
  }, cache);
  // With a TTL of 0 (tests: their fixtures write endpoint items without the version) nothing is kept.
  const lists =
    cache.ttlMs > 0
      ? versionedLists(store, async (org) => (await settings.get(org)).version, cache)
      : { list: (org: string) => store.listAll(org), invalidate: () => {} };
  // Eventually consistent, as the list is: a cache of 5 s is no fresher than that.
  const byKey = orgItemCache((org, id) => store.get(org, id, { consistent: false }), cache);
  return {
    list: (org) => lists.list(org),
    cached: (org, id) => byKey.get(org, id),
    deleted: async (org) => (await settings.get(org)).deleted,
    retentionDays: async (org) => (await settings.get(org)).retentionDays,
    invalidate: (org) => {
      lists.invalidate(org);
      byKey.invalidate(org);
      settings.invalidate(org);
    },
  };
}
