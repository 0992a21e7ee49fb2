/** Per-organization data keys (ORG#{org} / DATAKEY), stored wrapped: see core/store/secrets-at-rest.ts. */
import { DeleteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "./conditional.js";
import type { Db } from "./db.js";
import { keys } from "./keys.js";

export async function getDataKey(db: Db, org: string): Promise<string | undefined> {
  // Strongly consistent: a key written a moment ago by another process must be found.
  const res = await db.doc.send(
    new GetCommand({ TableName: db.table, Key: keys.dataKey(org), ConsistentRead: true }),
  );
  return typeof res.Item?.wrapped === "string" ? res.Item.wrapped : undefined;
}

/** False when the organization already has one. */
export async function putDataKeyIfAbsent(
  db: Db,
  org: string,
  wrapped: string,
  createdAt: string,
): Promise<boolean> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...keys.dataKey(org), wrapped, created_at: createdAt },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return true;
  } catch (err) {
    if (isConditionalCheckFailed(err)) return false;
    throw err;
  }
}

export async function deleteDataKey(db: Db, org: string): Promise<void> {
  await db.doc.send(new DeleteCommand({ TableName: db.table, Key: keys.dataKey(org) }));
}
