/**
 * A bounded cache of loads, keyed by string, where concurrent misses of one key share the one
 * load in flight: a cold batch that asks for one organization's item ten times at once reads it
 * once, not ten times before the first read answers (hot items are read by every process of a
 * burst; docs/scale.md, "Calibration"). A load that fails is not kept: the callers that shared
 * it get its error, and the next get loads again. A value is fresh for `ttlMs` from when its
 * load started (what was read then may have changed since). Bounded like the process's other
 * caches (lru.ts): at most `maxEntries` kept values, the least recently used dropped first.
 *
 * Loads in flight are held apart from the kept values, in their own bound (`maxInFlight`): a
 * value enters the kept LRU only once its load answers and `keep` accepts it. So a flood of
 * misses that are never kept (unknown API keys, core/store/api-key-cache.ts) cannot push the
 * kept values out; it displaces only other loads in flight, which still answer their callers
 * but are then not kept (one more load later, never a wrong value).
 */
import { lru, perOwner } from "./lru.js";

export interface Loads<V> {
  /** The fresh value (or the load in flight) of `key` at `now` (epoch ms), else `load()`, shared. */
  get(key: string, now: number, load: () => Promise<V>): Promise<V>;
  /** Keep a value known without a load (this process just wrote it), fresh from `now`. */
  set(key: string, now: number, value: V): void;
  delete(key: string): void;
  /** Kept values (not counting loads in flight). */
  readonly size: number;
  /** Loads in flight that later gets of their key share. */
  readonly inFlight: number;
}

export interface LoadsOptions<V> {
  maxEntries: number;
  ttlMs: number;
  /** Most loads in flight shared (default `maxEntries`). */
  maxInFlight?: number;
  /** Whether a loaded value is kept once its load answers (default: every value). */
  keep?: (value: V) => boolean;
}

interface Entry<V> {
  at: number;
  value: Promise<V>;
}

export function loads<V>({
  maxEntries,
  ttlMs,
  maxInFlight = maxEntries,
  keep = () => true,
}: LoadsOptions<V>): Loads<V> {
  const kept = lru<Entry<V>>({ maxEntries, maxWeight: maxEntries });
  const pending = lru<Entry<V>>({ maxEntries: maxInFlight, maxWeight: maxInFlight });
  return {
    get(key, now, load) {
      for (const map of [kept, pending]) {
        const hit = map.get(key);
        if (hit && now - hit.at < ttlMs) return hit.value;
        if (hit) map.delete(key);
      }
      const entry: Entry<V> = { at: now, value: load() };
      pending.set(key, entry, 1);
      // A load settles only its own entry: one a set, a delete or the bound displaced leaves
      // the cache as they left it (a revoke's delete is not undone by a read started before it).
      const own = () => {
        if (pending.get(key) !== entry) return false;
        pending.delete(key);
        return true;
      };
      entry.value.then(
        (v) => {
          if (own() && keep(v)) kept.set(key, entry, 1);
        },
        () => own(),
      );
      return entry.value;
    },
    set(key, now, value) {
      pending.delete(key);
      kept.set(key, { at: now, value: Promise.resolve(value) }, 1);
    },
    delete(key) {
      pending.delete(key);
      kept.delete(key);
    },
    get size() {
      return kept.size;
    },
    get inFlight() {
      return pending.size;
    },
  };
}

/**
 * One `Loads` per owner (a table's Db, a composition root), made on first use: stacks built
 * apart never share entries, and an owner no longer referenced takes its cache with it.
 */
export function loadsPer<O extends object, V>(opts: LoadsOptions<V>): (owner: O) => Loads<V> {
  return perOwner<O, Loads<V>>(() => loads<V>(opts));
}
