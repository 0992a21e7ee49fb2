/**
 * The table in memory, with DynamoDB's shape: items by partition, each partition in sort-key
 * order (UTF-8 byte order, as DynamoDB sorts strings), and the global secondary indexes of
 * core/config/infra.ts kept on every write (a sparse index holds only items with its keys).
 * Reads hand out copies, so a caller never changes a stored item. memory-db.ts serves the
 * document client's commands from it.
 */
import { table as settings } from "../config/index.js";
import { compare, type Item, invalid, itemBytes } from "./memory-evaluate.js";

/** DynamoDB's item size limit. */
export const MAX_ITEM_BYTES = 400 * 1024;

export interface IndexKeys {
  partitionKey: string;
  sortKey: string;
  /** keys-only: a query returns the table's and the index's keys only. */
  keysOnly: boolean;
}

interface Entry {
  /** The index sort key, then the table's keys (DynamoDB's order for equal index keys is unspecified). */
  order: string[];
  pk: string;
  sk: string;
}

const byOrder = (a: string[], b: string[]): number => {
  for (let i = 0; i < a.length; i++) {
    const c = compare(a[i], b[i]) ?? 0;
    if (c !== 0) return c;
  }
  return 0;
};

/** Index of the first element not before `order` (binary search). */
function lowerBound(list: { order: string[] }[], order: string[]): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byOrder(list[mid]!.order, order) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class MemoryTable {
  private readonly partitions = new Map<string, Map<string, Item>>();
  private readonly sorted = new Map<string, Entry[]>();
  private readonly indexes = new Map<string, Map<string, Entry[]>>();
  readonly indexKeys = new Map<string, IndexKeys>();

  constructor() {
    for (const [name, g] of Object.entries(settings.globalIndexes)) {
      this.indexes.set(name, new Map());
      this.indexKeys.set(name, {
        partitionKey: g.partitionKey,
        sortKey: g.sortKey,
        keysOnly: g.projection === "keys-only",
      });
    }
  }

  get(key: Item): Item | undefined {
    const { pk, sk } = keyOf(key);
    const item = this.partitions.get(pk)?.get(sk);
    return item && structuredClone(item);
  }

  put(item: Item): void {
    const { pk, sk } = keyOf(item);
    if (itemBytes(item) > MAX_ITEM_BYTES) throw invalid("Item size has exceeded the maximum allowed size");
    const stored = structuredClone(item);
    const old = this.partitions.get(pk)?.get(sk);
    if (old) this.unindex(old);
    let partition = this.partitions.get(pk);
    if (!partition) {
      partition = new Map();
      this.partitions.set(pk, partition);
      this.sorted.set(pk, []);
    }
    if (!old) insert(this.sorted.get(pk)!, { order: [sk], pk, sk });
    partition.set(sk, stored);
    this.index(stored);
  }

  delete(key: Item): void {
    const { pk, sk } = keyOf(key);
    const partition = this.partitions.get(pk);
    const old = partition?.get(sk);
    if (!old) return;
    this.unindex(old);
    partition!.delete(sk);
    remove(this.sorted.get(pk)!, [sk]);
    if (partition!.size === 0) {
      this.partitions.delete(pk);
      this.sorted.delete(pk);
    }
  }

  /**
   * The items of one partition of the table or an index, in order, from after `start` (the key
   * of the last item a previous page returned). Items are the stored objects: copy before
   * handing out.
   */
  *partition(index: string | undefined, pk: string, forward: boolean, start?: Item): Generator<Item> {
    const list = index ? this.indexes.get(index)?.get(pk) : this.sorted.get(pk);
    if (!list) return;
    const keys = index ? this.indexKeys.get(index) : undefined;
    let i = forward ? 0 : list.length - 1;
    if (start) {
      const order = keys
        ? [String(start[keys.sortKey]), String(start.pk), String(start.sk)]
        : [String(start.sk)];
      const at = lowerBound(list, order);
      const exact = at < list.length && byOrder(list[at]!.order, order) === 0;
      i = forward ? (exact ? at + 1 : at) : at - 1;
    }
    for (; forward ? i < list.length : i >= 0; i += forward ? 1 : -1) {
      const e = list[i]!;
      const item = this.partitions.get(e.pk)?.get(e.sk);
      if (item) yield item;
    }
  }

  /** Every item (tests and the simulation inspect the table). */
  *all(): Generator<Item> {
    for (const partition of this.partitions.values()) for (const item of partition.values()) yield item;
  }

  /**
   * DynamoDB TTL's sweep: deletes every item whose TTL attribute (epoch seconds) is at or before
   * `nowSeconds`, and returns how many. DynamoDB runs it lazily, days later at worst, so the
   * stores treat an item past its time as gone before this runs (core/model/retention.ts).
   */
  expire(nowSeconds: number): number {
    const due = [...this.all()].filter((item) => {
      const at = item[settings.ttlAttribute];
      return typeof at === "number" && at <= nowSeconds;
    });
    for (const item of due) this.delete(item);
    return due.length;
  }

  /** How many items the table holds. */
  get size(): number {
    let n = 0;
    for (const p of this.partitions.values()) n += p.size;
    return n;
  }

  private index(item: Item): void {
    for (const { list, entry } of this.entriesOf(item, true)) insert(list, entry);
  }

  private unindex(item: Item): void {
    for (const { list, entry, map, ipk } of this.entriesOf(item, false)) {
      remove(list, entry.order);
      if (list.length === 0) map.delete(ipk);
    }
  }

  /** The item's entry in each index that holds it (a sparse index holds only items with both its keys). */
  private *entriesOf(item: Item, create: boolean) {
    const { pk, sk } = keyOf(item);
    for (const [name, k] of this.indexKeys) {
      const ipk = item[k.partitionKey];
      const isk = item[k.sortKey];
      if (typeof ipk !== "string" || typeof isk !== "string") continue;
      const map = this.indexes.get(name)!;
      let list = map.get(ipk);
      if (!list && !create) continue;
      if (!list) {
        list = [];
        map.set(ipk, list);
      }
      yield { map, ipk, list, entry: { order: [isk, pk, sk], pk, sk } };
    }
  }
}

function insert(list: Entry[], entry: Entry): void {
  list.splice(lowerBound(list, entry.order), 0, entry);
}

function remove(list: Entry[], order: string[]): void {
  const at = lowerBound(list, order);
  if (at < list.length && byOrder(list[at]!.order, order) === 0) list.splice(at, 1);
}

/** The table's key of an item or key; a missing or non-string key part is DynamoDB's ValidationException. */
export function keyOf(item: Item): { pk: string; sk: string } {
  const { pk, sk } = item;
  if (typeof pk !== "string" || typeof sk !== "string" || pk === "" || sk === "") {
    throw invalid("One or more parameter values were invalid: the key pk and sk must be non-empty strings");
  }
  return { pk, sk };
}
