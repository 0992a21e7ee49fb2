/**
 * A short-lived, per-process cache of something loaded per organization (its endpoints, its
 * event-type catalog). Entries live `ENDPOINT_CACHE_SECONDS` (5 s by default), so a change
 * takes effect within seconds while a burst of events for one organization costs one query.
 * Keyed by Deps, so tests with their own stacks never share entries; a failed load is not kept.
 */
import type { Deps } from "./deps.js";

export interface OrgCache<T> {
  /** The cached value, loaded again when older than the TTL or when `refresh` is set. */
  get(deps: Deps, org: string, refresh?: boolean): Promise<T>;
  /** Forget an organization's entry (after a write in this process). */
  invalidate(deps: Deps, org: string): void;
}

export function orgCache<T>(load: (deps: Deps, org: string) => Promise<T>): OrgCache<T> {
  const entries = new WeakMap<Deps, Map<string, { at: number; value: Promise<T> }>>();
  return {
    get(deps, org, refresh = false) {
      let perDeps = entries.get(deps);
      if (!perDeps) {
        perDeps = new Map();
        entries.set(deps, perDeps);
      }
      const now = deps.now().getTime();
      const hit = perDeps.get(org);
      if (!refresh && hit && now - hit.at < deps.config.endpointCacheSeconds * 1000) return hit.value;
      const value = load(deps, org);
      const cache = perDeps;
      cache.set(org, { at: now, value });
      value.catch(() => cache.delete(org));
      return value;
    },
    invalidate(deps, org) {
      entries.get(deps)?.delete(org);
    },
  };
}
