/**
 * Which global secondary index writes a table write makes (DynamoDB Developer Guide, "Provisioned
 * throughput considerations for global secondary indexes", writes): an index is written only
 * when the item's entry in it changes.
 * - an item in the index before and after the write, with its index keys unchanged: one write
 *   when a projected attribute changes, none otherwise ("If an update to the table only changes
 *   the value of projected attributes ... one write is required"; a keys-only index projects
 *   only the keys, so an update of other attributes writes nothing there);
 * - its index key changed: two, a delete of the old entry and a put of the new ("If you update
 *   a table item to change the value of an indexed key attribute ... two writes are
 *   required");
 * - it enters the index (a put, an update that sets the keys): one put; it leaves it (a delete,
 *   an update that removes a key): one delete;
 * - in the index neither before nor after: none ("no additional write cost for the index").
 * The table's indexes are core/config/infra.ts's (GSI1 projects all attributes, GSI2 keys only),
 * as the in-memory table keeps them: a sparse index holds an item with both its keys.
 */
import type { IndexKeys } from "../../core/store/memory-table.js";

type Item = Record<string, unknown>;

/** One index write: the item's entry written (or deleted) under the index keys `pk`, `sk`. */
export interface IndexWrite {
  pk: string;
  sk: string;
}

const entryKeys = (index: IndexKeys, item: Item | undefined): IndexWrite | undefined => {
  const pk = item?.[index.partitionKey];
  const sk = item?.[index.sortKey];
  return typeof pk === "string" && typeof sk === "string" ? { pk, sk } : undefined;
};

/** Whether the two items' attributes (all of them: every one is projected) differ. */
function changed(a: Item, b: Item): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const name of names) if (JSON.stringify(a[name]) !== JSON.stringify(b[name])) return true;
  return false;
}

/** The writes `index` takes when the table's item goes from `old` to `next` (undefined: absent). */
export function indexWrites(index: IndexKeys, old: Item | undefined, next: Item | undefined): IndexWrite[] {
  const before = entryKeys(index, old);
  const after = entryKeys(index, next);
  if (before && after && before.pk === after.pk && before.sk === after.sk) {
    return !index.keysOnly && changed(old!, next!) ? [after] : [];
  }
  return [before, after].filter((w) => w !== undefined);
}
