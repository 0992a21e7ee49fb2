/**
 * A bounded least-recently-used map: at most `maxEntries` entries and `maxWeight` in total
 * (each entry weighs what its `set` says, e.g. an estimate of its bytes). A hit moves the entry
 * to the young end; a set evicts from the old end until both bounds hold. An entry heavier
 * than `maxWeight` on its own is not kept. Hand-written (a Map keeps insertion order, which is
 * all an LRU needs): a library would add to every bundle for these 30 lines.
 */
export interface Lru<V> {
  get(key: string): V | undefined;
  set(key: string, value: V, weight: number): void;
  delete(key: string): void;
  readonly size: number;
  /** The total weight held. */
  readonly weight: number;
}

export interface LruOptions<V> {
  maxEntries: number;
  maxWeight: number;
  /**
   * An entry this says to keep is never evicted (checked when an eviction reaches it, so a value
   * changed in place counts): what must not be lost (health not yet written), at the price of
   * the bounds, which then hold for the other entries only.
   */
  keep?: (value: V) => boolean;
}

export function lru<V>(opts: LruOptions<V>): Lru<V> {
  const entries = new Map<string, { value: V; weight: number }>();
  let total = 0;
  const drop = (key: string) => {
    const e = entries.get(key);
    if (!e) return;
    entries.delete(key);
    total -= e.weight;
  };
  return {
    get(key) {
      const e = entries.get(key);
      if (!e) return undefined;
      entries.delete(key);
      entries.set(key, e);
      return e.value;
    },
    set(key, value, weight) {
      drop(key);
      if (weight > opts.maxWeight) return;
      entries.set(key, { value, weight });
      total += weight;
      for (const [oldest, e] of entries) {
        if (entries.size <= opts.maxEntries && total <= opts.maxWeight) break;
        // The entry just set stays (as it always did): its caller is about to use it.
        if (oldest !== key && !opts.keep?.(e.value)) drop(oldest);
      }
    },
    delete: drop,
    get size() {
      return entries.size;
    },
    get weight() {
      return total;
    },
  };
}

/**
 * One LRU per owner (a composition root's deps, a table's Db), made on first use: stacks built
 * apart (tests, the bench, the simulation's processes) never share entries, and an owner no
 * longer referenced takes its LRU with it (a WeakMap, not a module-level map that outlives it).
 */
export function lruPer<O extends object, V>(opts: {
  maxEntries: number;
  maxWeight: number;
}): (owner: O) => Lru<V> {
  return perOwner<O, Lru<V>>(() => lru<V>(opts));
}

/** One `make()` per owner, made on first use and gone with its owner (a WeakMap): `lruPer`, `loadsPer`. */
export function perOwner<O extends object, T>(make: () => T): (owner: O) => T {
  const byOwner = new WeakMap<O, T>();
  return (owner) => {
    let made = byOwner.get(owner);
    if (made === undefined) {
      made = make();
      byOwner.set(owner, made);
    }
    return made;
  };
}

/** The part of a Map a per-process memo uses; a Map is one (tests pass their own). */
export interface Memo<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  delete(key: string): void;
}

/**
 * A memo of at most `maxEntries` keys, the least recently used dropped first: for what a
 * process may forget at the cost of one more read (a plain Map would keep every key it ever saw).
 * `keep`: values never dropped (`LruOptions`).
 */
export function lruMemo<V>(maxEntries: number, keep?: (value: V) => boolean): Memo<V> {
  const entries = lru<V>({ maxEntries, maxWeight: maxEntries, keep });
  return {
    get: (key) => entries.get(key),
    set: (key, value) => entries.set(key, value, 1),
    delete: (key) => entries.delete(key),
  };
}
