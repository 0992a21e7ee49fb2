/** Queries shared by the stores: items of one partition whose sort key has a given prefix. */
import { QueryCommand, type QueryCommandOutput } from "@aws-sdk/lib-dynamodb";
import { type CursorKey, cursorWithin } from "./cursor.js";
import type { Db } from "./db.js";

type Item = NonNullable<QueryCommandOutput["Items"]>[number];

/**
 * Every item of partition `pk` whose sort key begins with `skPrefix`, in sort-key order,
 * all pages read. For small, bounded sets (an organization's endpoints or event types).
 */
export async function queryAllWithPrefix(db: Db, pk: string, skPrefix: string): Promise<Item[]> {
  const out: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :sk)",
        ExpressionAttributeValues: { ":pk": pk, ":sk": skPrefix },
        ExclusiveStartKey: start,
      }),
    );
    out.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}

/** One page of those items from `cursor` (which must lie inside the prefix), and the key to go on from. */
export async function queryPageWithPrefix(
  db: Db,
  pk: string,
  skPrefix: string,
  limit: number,
  cursor: CursorKey | undefined,
): Promise<{ items: Item[]; last?: Record<string, unknown> }> {
  const res = await db.doc.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :sk)",
      ExpressionAttributeValues: { ":pk": pk, ":sk": skPrefix },
      ExclusiveStartKey: cursorWithin(cursor, { pk }, { sk: skPrefix }),
      Limit: limit,
    }),
  );
  return { items: res.Items ?? [], last: res.LastEvaluatedKey };
}
