/**
 * A short-lived, per-process cache of something loaded per organization (its endpoints, its
 * event-type catalog). Entries live `ENDPOINT_CACHE_SECONDS` (5 s by default), so a change
 * takes effect within seconds while a burst of events for one organization costs one query.
 * Each cache belongs to the composition root that built it (core/deps.ts), so stacks built
 * apart (tests, the bench) never share entries; a failed load is not kept.
 */

export interface OrgCache<T> {
  /** The cached value, loaded again when older than the TTL or when `refresh` is set. */
  get(org: string, refresh?: boolean): Promise<T>;
  /** Forget an organization's entry (after a write in this process). */
  invalidate(org: string): void;
}

export interface OrgCacheOptions {
  ttlMs: number;
  now: () => Date;
}

export function orgCache<T>(load: (org: string) => Promise<T>, { ttlMs, now }: OrgCacheOptions): OrgCache<T> {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  return {
    get(org, refresh = false) {
      const at = now().getTime();
      const hit = entries.get(org);
      if (!refresh && hit && at - hit.at < ttlMs) return hit.value;
      const value = load(org);
      entries.set(org, { at, value });
      value.catch(() => {
        if (entries.get(org)?.value === value) entries.delete(org);
      });
      return value;
    },
    invalidate(org) {
      entries.delete(org);
    },
  };
}
