/** Per-organization data keys (ORG#{org} / DATAKEY), stored wrapped: see core/store/secrets-at-rest.ts. */
import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { getItem, putIfAbsent } from "./item.js";
import { keys } from "./keys.js";
import type { Db } from "./table.js";

export async function getDataKey(db: Db, org: string): Promise<string | undefined> {
  // Strongly consistent: a key written a moment ago by another process must be found.
  const item = await getItem(db, keys.dataKey(org));
  return typeof item?.wrapped === "string" ? item.wrapped : undefined;
}

/** False when the organization already has one. */
export async function putDataKeyIfAbsent(
  db: Db,
  org: string,
  wrapped: string,
  createdAt: string,
): Promise<boolean> {
  return putIfAbsent(db, { ...keys.dataKey(org), wrapped, created_at: createdAt });
}

export async function deleteDataKey(db: Db, org: string): Promise<void> {
  await db.doc.send(new DeleteCommand({ TableName: db.table, Key: keys.dataKey(org) }));
}
