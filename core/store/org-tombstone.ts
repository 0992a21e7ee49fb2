/**
 * The organization's tombstone, as every write that adds to an organization checks it. Deleting
 * an organization sets `deleted_at` on its item *first* (core/orgs/delete.ts), then revokes and
 * removes what it finds; a create that carries this check in its transaction either commits
 * before the tombstone (and is found and removed) or is refused: deletion wins every race.
 * A missing organization item passes (organizations may exist implicitly, docs/design.md).
 */
import { notFound } from "../model/index.js";
import { keys } from "./keys.js";
import type { Db } from "./table.js";
import { failedConditions, type TransactItems, transact } from "./transact.js";

/** A transaction item that fails when the organization is deleted (or being deleted). */
export function orgNotDeleted(db: Db, org: string): TransactItems[number] {
  return {
    ConditionCheck: {
      TableName: db.table,
      Key: keys.org(org),
      ConditionExpression: "attribute_not_exists(deleted_at)",
    },
  };
}

/**
 * Stores new items (each only if absent) unless the organization is deleted, in one
 * transaction (retried while a concurrent one on the organization item conflicts). False when
 * one of them exists already; 404 `organization` when it is deleted.
 */
export async function putNewUnlessOrgDeleted(
  db: Db,
  org: string,
  items: Record<string, unknown>[],
): Promise<boolean> {
  try {
    await transact(db, () => [
      ...items.map((Item) => ({
        Put: { TableName: db.table, Item, ConditionExpression: "attribute_not_exists(pk)" },
      })),
      orgNotDeleted(db, org),
    ]);
    return true;
  } catch (err) {
    const failed = failedConditions(err);
    if (failed.includes(items.length)) throw notFound("organization");
    if (failed.length > 0) return false;
    throw err;
  }
}
