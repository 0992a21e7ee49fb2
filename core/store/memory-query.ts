/**
 * Query and Scan on the in-memory table (memory-db.ts): the key condition picks a partition of
 * the table or an index, Limit counts the items read before the filter, a page stops at 1 MB
 * read, a keys-only index returns keys only, and LastEvaluatedKey says where the next page starts.
 */
import { holds, type Item, invalid, itemBytes, project } from "./memory-evaluate.js";
import { type Condition, parseCondition, parseProjection } from "./memory-expression.js";
import type { MemoryTable } from "./memory-table.js";

const PAGE_BYTES = 1024 * 1024;

export interface Expr {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** Strips undefined values, as the document client does with removeUndefinedValues. */
export function clean<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clean) as T;
  if (v && typeof v === "object" && !(v instanceof Set) && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = clean(x);
    return out as T;
  }
  return v;
}

export type QueryInput = Expr & {
  IndexName?: string;
  KeyConditionExpression?: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
  ExclusiveStartKey?: Item;
  Limit?: number;
  ScanIndexForward?: boolean;
  ConsistentRead?: boolean;
  Select?: string;
};

/** Sees each item a Query or Scan reads (before its filter), as DynamoDB bills the read. */
export type ReadObserver = (item: Item) => void;

/** The partition a query reads: its index's keys (none: the table's), its key condition, the value it names. */
export function queryPartition(t: MemoryTable, input: QueryInput) {
  const index = input.IndexName ? t.indexKeys.get(input.IndexName) : undefined;
  if (input.IndexName && !index)
    throw invalid(`The table does not have the specified index: ${input.IndexName}`);
  const keyCondition = parseCondition(input.KeyConditionExpression ?? "", input.ExpressionAttributeNames);
  const values = clean(input.ExpressionAttributeValues ?? {});
  return { index, keyCondition, pk: partitionOf(keyCondition, index?.partitionKey ?? "pk", values) };
}

export function query(t: MemoryTable, input: QueryInput, read?: ReadObserver) {
  const values = clean(input.ExpressionAttributeValues ?? {});
  const { index, keyCondition, pk } = queryPartition(t, input);
  if (index && input.ConsistentRead)
    throw invalid("Consistent reads are not supported on global secondary indexes");
  const found = t.partition(input.IndexName, pk, input.ScanIndexForward !== false, input.ExclusiveStartKey);
  return page(
    found,
    input,
    read,
    (item) => holds(item, keyCondition, values),
    (item) => {
      const kept = index?.keysOnly
        ? project(item, [["pk"], ["sk"], [index.partitionKey], [index.sortKey]])
        : item;
      return index
        ? { kept, key: pick(item, ["pk", "sk", index.partitionKey, index.sortKey]) }
        : { kept, key: pick(item, ["pk", "sk"]) };
    },
  );
}

export function scan(t: MemoryTable, input: QueryInput, read?: ReadObserver) {
  if (input.IndexName) throw invalid("the in-memory table scans the table only");
  const all = [...t.all()].sort((a, b) =>
    String(a.pk) + String(a.sk) < String(b.pk) + String(b.sk) ? -1 : 1,
  );
  const start = input.ExclusiveStartKey;
  const from = start ? all.findIndex((i) => i.pk === start.pk && i.sk === start.sk) + 1 : 0;
  return page(
    all.slice(from).values(),
    input,
    read,
    () => true,
    (item) => ({ kept: item, key: pick(item, ["pk", "sk"]) }),
  );
}

/** One page: Limit counts the items read before the filter, and a page stops at 1 MB read. */
function page(
  found: Iterable<Item>,
  input: QueryInput,
  read: ReadObserver | undefined,
  inKeyRange: (item: Item) => boolean,
  view: (item: Item) => { kept: Item; key: Item },
) {
  const names = input.ExpressionAttributeNames;
  const values = clean(input.ExpressionAttributeValues ?? {});
  const filter = input.FilterExpression ? parseCondition(input.FilterExpression, names) : undefined;
  const projection = input.ProjectionExpression
    ? parseProjection(input.ProjectionExpression, names)
    : undefined;
  const items: Item[] = [];
  let scanned = 0;
  let bytes = 0;
  let last: Item | undefined;
  for (const item of found) {
    if (!inKeyRange(item)) continue;
    const { kept, key } = view(item);
    read?.(kept);
    scanned++;
    bytes += itemBytes(kept);
    if (!filter || holds(kept, filter, values))
      items.push(structuredClone(projection ? project(kept, projection) : kept));
    if (scanned === input.Limit || bytes >= PAGE_BYTES) {
      last = key;
      break;
    }
  }
  const counted = input.Select === "COUNT" ? {} : { Items: items };
  return { ...counted, Count: items.length, ScannedCount: scanned, LastEvaluatedKey: last };
}

/** The partition a key condition names (`<pk> = :v`, alone or first of an AND). */
function partitionOf(c: Condition, name: string, values: Item): string {
  if (c.kind === "and") return partitionOf(c.a, name, values);
  if (
    c.kind === "compare" &&
    c.op === "=" &&
    c.a.kind === "path" &&
    c.a.path[0] === name &&
    c.b.kind === "value"
  ) {
    const v = values[c.b.name];
    if (typeof v === "string") return v;
  }
  throw invalid(`Query condition missed key schema element: ${name}`);
}

function pick(item: Item, names: string[]): Item {
  return Object.fromEntries(names.filter((n) => item[n] !== undefined).map((n) => [n, item[n]]));
}

export function projected(
  item: Item,
  input: { ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> },
) {
  return input.ProjectionExpression
    ? project(item, parseProjection(input.ProjectionExpression, input.ExpressionAttributeNames))
    : item;
}
