/**
 * Creates that carry the organization's tombstone check (putNewUnlessOrgDeleted: API keys,
 * portal sessions) share the organization item with endpoint creates, which count on it. On
 * AWS, DynamoDB cancels one of two such transactions at once with a TransactionConflict
 * (DynamoDB Local serializes them, so this cannot be provoked there): the create is retried,
 * as an endpoint create is (core/store/transact.ts), not answered as an error.
 */
import { describe, expect, it } from "vitest";
import { putNewUnlessOrgDeleted } from "../../core/store/org-tombstone.js";
import type { Db } from "../../core/store/table.js";

const cancelled = (code: string) =>
  Object.assign(new Error("Transaction cancelled"), {
    name: "TransactionCanceledException",
    CancellationReasons: [{ Code: "None" }, { Code: code }],
  });

/** A table client whose transactions fail with `failures` in turn, then succeed. */
function dbFailing(...failures: Error[]) {
  const calls = { n: 0 };
  const db = {
    table: "t",
    doc: {
      send: async () => {
        const err = failures[calls.n++];
        if (err) throw err;
        return {};
      },
    },
  } as unknown as Db;
  return { db, calls };
}

describe("putNewUnlessOrgDeleted", () => {
  it("retries a transaction cancelled for a conflict with a concurrent one", async () => {
    const { db, calls } = dbFailing(cancelled("TransactionConflict"), cancelled("TransactionConflict"));
    await expect(putNewUnlessOrgDeleted(db, "org_a", [{ pk: "X", sk: "Y" }])).resolves.toBe(true);
    expect(calls.n).toBe(3);
  });

  it("answers 404 for a deleted organization and false for an item that exists, without retrying", async () => {
    const gone = dbFailing(cancelled("ConditionalCheckFailed"));
    await expect(putNewUnlessOrgDeleted(gone.db, "org_a", [{ pk: "X", sk: "Y" }])).rejects.toMatchObject({
      status: 404,
    });
    const exists = dbFailing(
      Object.assign(new Error("Transaction cancelled"), {
        name: "TransactionCanceledException",
        CancellationReasons: [{ Code: "ConditionalCheckFailed" }, { Code: "None" }],
      }),
    );
    await expect(putNewUnlessOrgDeleted(exists.db, "org_a", [{ pk: "X", sk: "Y" }])).resolves.toBe(false);
    expect(gone.calls.n + exists.calls.n).toBe(2);
  });
});
