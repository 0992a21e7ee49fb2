/** Queries shared by the stores: items of one partition whose sort key has a given prefix. */
import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from "@aws-sdk/lib-dynamodb";
import type { CursorKey, Page } from "../model/index.js";
import { cursorWithin } from "./cursor.js";
import type { Db } from "./table.js";

type Item = NonNullable<QueryCommandOutput["Items"]>[number];
type QueryInput = Omit<QueryCommandInput, "TableName" | "ExclusiveStartKey">;

/**
 * A query's pages, in order, each read only when the caller asks for the next one (a caller
 * that stops early reads no further). `input` is asked again before each page, so a caller
 * can shrink its `Limit` as it fills.
 */
export async function* queryPages(db: Db, input: () => QueryInput): AsyncGenerator<QueryCommandOutput> {
  let start: Record<string, unknown> | undefined;
  do {
    const res = await db.doc.send(
      new QueryCommand({ ...input(), TableName: db.table, ExclusiveStartKey: start }),
    );
    yield res;
    start = res.LastEvaluatedKey;
  } while (start);
}

/**
 * Every item of partition `pk` whose sort key begins with `skPrefix`, in sort-key order,
 * all pages read. For small, bounded sets (an organization's endpoints or event types).
 * `consistent`: strongly consistent, for a reader that must see every write made before it
 * (deleting an organization, after its tombstone).
 */
export async function queryAllWithPrefix(
  db: Db,
  pk: string,
  skPrefix: string,
  opts: { consistent?: boolean } = {},
): Promise<Item[]> {
  const out: Item[] = [];
  const pages = queryPages(db, () => ({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :sk)",
    ExpressionAttributeValues: { ":pk": pk, ":sk": skPrefix },
    ...(opts.consistent ? { ConsistentRead: true } : {}),
  }));
  for await (const page of pages) out.push(...(page.Items ?? []));
  return out;
}

/**
 * One page of those items from `cursor` (which must lie inside the prefix), each made a record
 * by `toRecord`, and the key to go on from.
 */
export async function queryPageWithPrefix<T>(
  db: Db,
  pk: string,
  skPrefix: string,
  { limit, cursor }: { limit: number; cursor?: CursorKey },
  toRecord: (item: Item) => T | Promise<T>,
): Promise<{ items: T[]; last?: Record<string, unknown> }> {
  const page = await queryFilledPage(
    db,
    {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :sk)",
      ExpressionAttributeValues: { ":pk": pk, ":sk": skPrefix },
    },
    limit,
    cursorWithin(cursor, { pk }, { sk: skPrefix }),
    tableKeyOf,
  );
  return { items: await Promise.all(page.items.map(toRecord)), last: page.last };
}

/** How many DynamoDB pages one filtered list request may read before it answers with what it has. */
export const MAX_FILTERED_ROUNDS = 10;

/**
 * One page of a query, filled: DynamoDB applies a FilterExpression after its `Limit`, so a
 * filtered query keeps reading (whole 1 MB pages) until it holds `limit` + 1 matches or the
 * partition ends; an unfiltered one asks for `limit` + 1 items. The one extra item tells
 * whether another page exists, so the cursor (`last`, the key of the last returned item) is
 * never a pointer to an empty page. Only a filtered query that read MAX_FILTERED_ROUNDS pages
 * without filling its page answers short, with DynamoDB's own key to go on from.
 */
export async function queryFilledPage(
  db: Db,
  input: Omit<QueryCommandInput, "TableName" | "Limit" | "ExclusiveStartKey">,
  limit: number,
  start: Record<string, unknown> | undefined,
  keyOf: (item: Item) => CursorKey,
): Promise<Page<Item>> {
  const filtered = input.FilterExpression !== undefined;
  const items: Item[] = [];
  let exclusive = start;
  for (let round = 0; round < (filtered ? MAX_FILTERED_ROUNDS : 1); round++) {
    const res = await db.doc.send(
      new QueryCommand({
        ...input,
        TableName: db.table,
        ...(filtered ? {} : { Limit: limit + 1 }),
        ExclusiveStartKey: exclusive,
      }),
    );
    items.push(...(res.Items ?? []));
    exclusive = res.LastEvaluatedKey;
    if (items.length > limit || !exclusive) break;
  }
  if (items.length > limit) {
    const page = items.slice(0, limit);
    return { items: page, last: keyOf(page[page.length - 1]!) };
  }
  return { items, last: exclusive ? (exclusive as CursorKey) : undefined };
}

/** The cursor key of a base-table item. */
export const tableKeyOf = (item: Item): CursorKey => ({ pk: String(item.pk), sk: String(item.sk) });
