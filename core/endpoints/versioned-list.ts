/**
 * Ingest's endpoint list of an organization, kept while the organization's `endpoints_version`
 * stays (docs/scale.md, "Per-process caches"). Every write that changes what matching reads
 * moves the version (core/store/endpoints.ts `bumpEndpointsVersion`); ingest reads it with the
 * tombstone anyway, once per TTL, so a kept list costs no read of its own.
 *
 * - A list read cold is read as before (eventually consistent, ~2.5 read units for 20) and
 *   trusted for one TTL only: the version read next to it may be newer than what an eventually
 *   consistent read returned.
 * - After that TTL it is read again, strongly consistent and after the version (so never older
 *   than the version it is kept under), and kept while the version stays, at most
 *   `LIST_MAX_AGE_MS` (a bump that was lost).
 * A process that meets an organization less often than its cache keeps it (5,000 organizations
 * of 20 endpoints are more than the 20,000 endpoints it holds) gains nothing and pays as before.
 */
import { type OrgCacheOptions, orgCache } from "../lib/index.js";
import type { EndpointRecord } from "../model/index.js";

/** The longest a list is kept while its version stays. */
export const LIST_MAX_AGE_MS = 10 * 60_000;

/** Not yet checked against a version (a cold, eventually consistent read). */
const UNCHECKED = Symbol("unchecked");

interface Kept {
  version: number | undefined | typeof UNCHECKED;
  at: number;
  list: EndpointRecord[];
}

export interface ListReads {
  listAll(org: string, opts?: { consistent?: boolean }): Promise<EndpointRecord[]>;
}

export function versionedLists(
  store: ListReads,
  /** The organization's version, as last read (cached for the TTL with the tombstone). */
  versionOf: (org: string) => Promise<number | undefined>,
  cache: OrgCacheOptions,
) {
  const checked = new Set<string>();
  // Weighed by endpoints: the cache's bound is on what it holds (core/lib/org-cache.ts).
  const lists = orgCache<Kept>(
    async (org) => {
      const at = cache.now().getTime();
      if (!checked.delete(org)) return { version: UNCHECKED, at, list: await store.listAll(org) };
      // The version first: a strongly consistent list read after it is at least as new.
      const version = await versionOf(org);
      return { version, at, list: await store.listAll(org, { consistent: true }) };
    },
    { ...cache, ttlMs: LIST_MAX_AGE_MS },
    (kept) => kept.list.length,
  );
  const reread = (org: string) => {
    checked.add(org);
    return lists.get(org, true);
  };
  return {
    async list(org: string): Promise<EndpointRecord[]> {
      const kept = await lists.get(org);
      if (kept.version === UNCHECKED) {
        if (cache.now().getTime() - kept.at < cache.ttlMs) return kept.list;
        return (await reread(org)).list;
      }
      if (kept.version === (await versionOf(org))) return kept.list;
      // The latest entry first: another caller may be reading it again already.
      const latest = await lists.get(org);
      return latest !== kept ? latest.list : (await reread(org)).list;
    },
    invalidate: (org: string) => lists.invalidate(org),
  };
}
