/**
 * The verified-key cache: the API key lookups (`getByHash`) of one process, kept briefly.
 *
 * Every API request authenticates its key; uncached, that is one `GetItem` on the key's lookup
 * item per request, and one key at 5,000 requests/s sits near one item's read limit (3,000
 * RCU/s). Kept {@link KEY_CACHE_SECONDS}, one key costs each API instance one read per 10 s.
 *
 * Revocation: a key revoked in this process is dropped at once; every other process refuses
 * it within {@link KEY_CACHE_SECONDS} (docs/security.md). Only keys found are kept (an unknown
 * key is looked up every time, so a key created elsewhere works at once); at most
 * {@link KEY_CACHE_ENTRIES} entries, the least recently used dropped first (core/lib/lru.ts, the
 * bound the endpoint and data-key caches use too), so a flood of distinct keys cannot grow the
 * process's memory (~10,000 x ~1 KB). A lookup in flight holds no place among the verified keys
 * (core/lib/loads.ts keeps its loads in flight apart, in their own bound of as many): a flood
 * of unknown keys costs its own reads, not the verified keys' places.
 */
import { loads } from "../lib/index.js";
import type { ApiKeyLookup, ApiKeyStore } from "./api-keys.js";

/** How long a verified key is trusted without reading it again. */
export const KEY_CACHE_SECONDS = 10;
/** Most keys one process keeps. */
export const KEY_CACHE_ENTRIES = 10_000;

export function cachedKeyLookups(
  store: ApiKeyStore,
  opts: { now: () => Date; ttlMs?: number; maxEntries?: number },
): ApiKeyStore {
  const ttlMs = opts.ttlMs ?? KEY_CACHE_SECONDS * 1000;
  const max = opts.maxEntries ?? KEY_CACHE_ENTRIES;
  // Concurrent requests of one key share one lookup (core/lib/loads.ts); only live keys stay.
  const entries = loads<ApiKeyLookup | undefined>({
    maxEntries: max,
    ttlMs,
    keep: (lookup) => lookup !== undefined && !lookup.revoked_at,
  });
  return {
    ...store,
    getByHash(hash) {
      return entries.get(hash, opts.now().getTime(), () => store.getByHash(hash));
    },
    async revoke(rec, at) {
      entries.delete(rec.key_hash);
      await store.revoke(rec, at);
      entries.delete(rec.key_hash);
    },
  };
}
