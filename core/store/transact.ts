/**
 * Transactions (TransactWriteItems) as the stores run them: retried when DynamoDB cancels one
 * for a conflicting concurrent transaction on the same items (the organization item, which
 * counts endpoints and carries the tombstone every create checks), and read back as the
 * indexes of the items whose condition failed.
 */
import { TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { doubling } from "../lib/index.js";
import type { Db } from "./table.js";

export type TransactItems = NonNullable<TransactWriteCommandInput["TransactItems"]>;

const errorName = (err: unknown) => (err as { name?: string }).name;
const reasonsOf = (err: unknown) =>
  (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The indexes of a cancelled transaction's items that failed on their condition. */
export function failedConditions(err: unknown): number[] {
  if (errorName(err) !== "TransactionCanceledException") return [];
  return reasonsOf(err).flatMap((r, i) => (r.Code === "ConditionalCheckFailed" ? [i] : []));
}

/** Runs the transaction, again (with backoff) while a concurrent transaction conflicts with it. */
export async function transact(db: Db, items: () => TransactItems): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.doc.send(new TransactWriteCommand({ TransactItems: items() }));
      return;
    } catch (err) {
      const conflict =
        errorName(err) === "TransactionConflictException" ||
        (errorName(err) === "TransactionCanceledException" &&
          reasonsOf(err).some((r) => r.Code === "TransactionConflict"));
      if (!conflict || attempt >= 12) throw err;
      await sleep(doubling(10, attempt, 500) * (0.5 + Math.random()));
    }
  }
}

/** Runs the transaction (as `transact` does); false when its first item's condition failed. */
export async function transactUnlessFirstFails(db: Db, items: () => TransactItems): Promise<boolean> {
  try {
    await transact(db, items);
    return true;
  } catch (err) {
    if (failedConditions(err)[0] === 0) return false;
    throw err;
  }
}
