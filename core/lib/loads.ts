/**
 * A bounded cache of loads, keyed by string, where concurrent misses of one key share the one
 * load in flight: a cold batch that asks for one organization's item ten times at once reads it
 * once, not ten times before the first read answers (hot items are read by every process of a
 * burst; docs/scale.md, "Calibration"). A load that fails is not kept: the callers that shared
 * it get its error, and the next get loads again. A value is fresh for `ttlMs` from when its
 * load started (what was read then may have changed since). Bounded like the process's other
 * caches (lru.ts): at most `maxEntries` keys, the least recently used dropped first.
 */
import { lru, perOwner } from "./lru.js";

export interface Loads<V> {
  /** The fresh value (or the load in flight) of `key` at `now` (epoch ms), else `load()`, shared. */
  get(key: string, now: number, load: () => Promise<V>): Promise<V>;
  /** Keep a value known without a load (this process just wrote it), fresh from `now`. */
  set(key: string, now: number, value: V): void;
  delete(key: string): void;
  readonly size: number;
}

export interface LoadsOptions<V> {
  maxEntries: number;
  ttlMs: number;
  /** Whether a loaded value is kept once its load answers (default: every value). */
  keep?: (value: V) => boolean;
}

export function loads<V>({ maxEntries, ttlMs, keep = () => true }: LoadsOptions<V>): Loads<V> {
  const entries = lru<{ at: number; value: Promise<V> }>({ maxEntries, maxWeight: maxEntries });
  // Only the entry it made may be dropped by its own settling: a newer one (set, a reload) stays.
  const forget = (key: string, entry: { value: Promise<V> }) => {
    if (entries.get(key) === entry) entries.delete(key);
  };
  return {
    get(key, now, load) {
      const hit = entries.get(key);
      if (hit && now - hit.at < ttlMs) return hit.value;
      const entry = { at: now, value: load() };
      entries.set(key, entry, 1);
      entry.value.then(
        (v) => keep(v) || forget(key, entry),
        () => forget(key, entry),
      );
      return entry.value;
    },
    set(key, now, value) {
      entries.set(key, { at: now, value: Promise.resolve(value) }, 1);
    },
    delete(key) {
      entries.delete(key);
    },
    get size() {
      return entries.size;
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
