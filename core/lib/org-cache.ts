/**
 * A short-lived, per-process cache of something loaded per organization (its endpoints, its
 * event-type catalog). Entries live `ENDPOINT_CACHE_SECONDS` (5 s by default), so a change
 * takes effect within seconds while a burst of events for one organization costs one query.
 * Each cache belongs to the composition root that built it (core/deps.ts), so stacks built
 * apart (tests, the bench) never share entries; a failed load is not kept.
 *
 * Bounded (core/lib/lru.ts): at most `maxEntries` organizations and `maxWeight` in total, the
 * least recently used dropped first, so a process that sees every tenant of a large deployment
 * (5,000 organizations x 20 endpoints) keeps what it uses most, not everything it ever read.
 * An entry weighs 1 until its value is loaded, then what `weigh` says (e.g. its endpoints).
 */
import { lru } from "./lru.js";

export interface OrgCache<T> {
  /** The cached value, loaded again when older than the TTL or when `refresh` is set. */
  get(org: string, refresh?: boolean): Promise<T>;
  /** Forget an organization's entry (after a write in this process). */
  invalidate(org: string): void;
}

export interface OrgCacheOptions {
  ttlMs: number;
  now: () => Date;
  /** Most organizations kept (default ORG_CACHE_ENTRIES). */
  maxEntries?: number;
  /** Most total weight kept (default ORG_CACHE_WEIGHT). */
  maxWeight?: number;
}

/** Organizations one cache keeps by default. */
export const ORG_CACHE_ENTRIES = 2_000;
/** Total weight one cache keeps by default: for the endpoint directory, endpoints (~2 KB each, ~40 MB). */
export const ORG_CACHE_WEIGHT = 20_000;

export function orgCache<T>(
  load: (org: string) => Promise<T>,
  { ttlMs, now, maxEntries = ORG_CACHE_ENTRIES, maxWeight = ORG_CACHE_WEIGHT }: OrgCacheOptions,
  weigh: (value: T) => number = () => 1,
): OrgCache<T> {
  const entries = lru<{ at: number; value: Promise<T> }>({ maxEntries, maxWeight });
  return {
    get(org, refresh = false) {
      const at = now().getTime();
      const hit = entries.get(org);
      if (!refresh && hit && at - hit.at < ttlMs) return hit.value;
      const value = load(org);
      const entry = { at, value };
      entries.set(org, entry, 1);
      value.then(
        (v) => {
          if (entries.get(org) === entry) entries.set(org, entry, Math.max(1, weigh(v)));
        },
        () => {
          if (entries.get(org) === entry) entries.delete(org);
        },
      );
      return value;
    },
    invalidate(org) {
      entries.delete(org);
    },
  };
}

/** One item per (organization, id) read by key, cached like `orgCache`'s entries. */
export interface OrgItemCache<T> {
  get(org: string, id: string): Promise<T>;
  /** Forget every entry of the organization (after a write in this process). */
  invalidate(org: string): void;
}

/**
 * Items of an organization read one by one (delivery reads its task's endpoint by key), each
 * kept `ttlMs`. Bounded like `orgCache`: at most `maxEntries` organizations, `maxWeight` items
 * in total (a failed load is not kept, nor counted); an organization's items are forgotten
 * together by `invalidate`.
 */
export function orgItemCache<T>(
  load: (org: string, id: string) => Promise<T>,
  { ttlMs, now, maxEntries = ORG_CACHE_ENTRIES, maxWeight = ORG_CACHE_WEIGHT }: OrgCacheOptions,
): OrgItemCache<T> {
  const orgs = lru<Map<string, { at: number; value: Promise<T> }>>({ maxEntries, maxWeight });
  return {
    get(org, id) {
      const at = now().getTime();
      const items = orgs.get(org) ?? new Map<string, { at: number; value: Promise<T> }>();
      const hit = items.get(id);
      if (hit && at - hit.at < ttlMs) return hit.value;
      const entry = { at, value: load(org, id) };
      items.set(id, entry);
      orgs.set(org, items, items.size);
      entry.value.catch(() => {
        if (items.get(id) !== entry) return;
        items.delete(id);
        // The organization weighs what it keeps: a failed load gives its weight back (and an
        // organization left with nothing holds no place), unless it was dropped meanwhile.
        if (orgs.get(org) !== items) return;
        if (items.size === 0) orgs.delete(org);
        else orgs.set(org, items, items.size);
      });
      return entry.value;
    },
    invalidate(org) {
      orgs.delete(org);
    },
  };
}
