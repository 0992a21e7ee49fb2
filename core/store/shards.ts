/**
 * Write sharding of one organization's hot partitions (messages, the delivery log, the
 * recovery index), and the merged, ordered read across the shards.
 *
 * A DynamoDB partition takes ~1,000 write units per second, and time-ordered sort keys (our
 * ULIDs) defeat adaptive "split for heat", so a busy organization's writes are spread over
 * partitions chosen by a hash of the message id (docs/cost.md computes the
 * ceiling), as many as the organization's shard plan says for the id's time
 * (shard-plan.ts). A listing queries every shard of its range with the same descending
 * sort-key range and merges: the cursor is the last sort key returned, one string valid in
 * every shard.
 */
import { QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { table } from "../config/index.js";
import { fnv1a } from "./shard-plan.js";
import type { Db } from "./table.js";

/** The partition of an open fan-out's marker (keys.openFanout): `table.openFanoutShards` of them. */
export function openFanoutShardOf(id: string): number {
  return fnv1a(id) % table.openFanoutShards;
}

type Item = Record<string, unknown>;

export interface MergedQuery {
  /** The partitions to read (one per shard, or one per endpoint for an event). */
  pks: string[];
  /** Sort keys between these (inclusive `from`), `to` exclusive; read newest (highest) first. */
  from: string;
  to: string;
  limit: number;
  filter?: Pick<
    QueryCommandInput,
    "FilterExpression" | "ExpressionAttributeNames" | "ProjectionExpression"
  > & {
    values?: Record<string, unknown>;
  };
  /** Stop after this many query rounds (a filter that matches rarely). */
  maxRounds?: number;
}

interface Cursor {
  pk: string;
  start: Item | undefined;
  done: boolean;
  /** Lowest sort key read so far (everything above it is known). */
  low: string | undefined;
}

/**
 * Items of every partition in `q.pks` with `from <= sk < to`, merged newest first. Returns at
 * most `limit` items and, when more may remain, `next`: the `to` of the next page.
 *
 * Each round reads one page from every partition not yet exhausted; an item is returned only
 * once every unfinished partition has been read below it, so the order is exact.
 */
export async function queryMerged(db: Db, q: MergedQuery): Promise<{ items: Item[]; next?: string }> {
  const cursors: Cursor[] = q.pks.map((pk) => ({ pk, start: undefined, done: false, low: undefined }));
  const found: Item[] = [];
  const rounds = q.maxRounds ?? 5;
  for (let round = 0; round < rounds; round++) {
    const open = cursors.filter((c) => !c.done);
    if (open.length === 0) break;
    await Promise.all(open.map((c) => readPage(db, q, c, found)));
    if (safe(found, cursors).length >= q.limit) break;
  }
  const sorted = safe(found, cursors);
  const items = sorted.slice(0, q.limit);
  if (sorted.length > q.limit) return { items, next: String(items[items.length - 1]!.sk) };
  // Everything at or above the bound was returned: the next page starts below it.
  const bound = boundOf(cursors);
  return bound ? { items, next: bound } : { items };
}

async function readPage(db: Db, q: MergedQuery, c: Cursor, found: Item[]): Promise<void> {
  const res = await db.doc.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
      ...(q.filter?.FilterExpression ? { FilterExpression: q.filter.FilterExpression } : {}),
      ...(q.filter?.ProjectionExpression ? { ProjectionExpression: q.filter.ProjectionExpression } : {}),
      ...(q.filter?.ExpressionAttributeNames
        ? { ExpressionAttributeNames: q.filter.ExpressionAttributeNames }
        : {}),
      ExpressionAttributeValues: { ":pk": c.pk, ":from": q.from, ":to": q.to, ...q.filter?.values },
      ScanIndexForward: false,
      Limit: q.limit + 1,
      ExclusiveStartKey: c.start,
    }),
  );
  for (const item of res.Items ?? []) if (String(item.sk) < q.to) found.push(item);
  c.start = res.LastEvaluatedKey;
  c.done = !c.start;
  if (c.start) c.low = String(c.start.sk);
}

/** Found items, newest first, that no unread item of an unfinished partition can precede. */
function safe(found: Item[], cursors: Cursor[]): Item[] {
  const bound = boundOf(cursors) ?? "";
  return found.filter((i) => String(i.sk) >= bound).sort((a, b) => (String(a.sk) < String(b.sk) ? 1 : -1));
}

/** The highest sort key below which an unfinished partition still has unread items. */
function boundOf(cursors: Cursor[]): string | undefined {
  let bound: string | undefined;
  for (const c of cursors)
    if (!c.done && c.low !== undefined && (bound === undefined || c.low > bound)) bound = c.low;
  return bound;
}
