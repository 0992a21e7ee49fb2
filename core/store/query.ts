/** Reads shared by the stores. */
import { QueryCommand, type QueryCommandOutput } from "@aws-sdk/lib-dynamodb";
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
