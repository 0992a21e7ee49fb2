/** Whole-table snapshots of a test stack, to prove "no partial write". */
import { createHash } from "node:crypto";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Deps } from "../../core/all-deps.js";

/** Every item of the (test-private) table. */
export async function scanAll(deps: Deps): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await deps.db.doc.send(
      new ScanCommand({ TableName: deps.db.table, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
}

/** A digest of the whole table: equal digests = not a single byte written. */
export async function tableDigest(deps: Deps): Promise<string> {
  const items = await scanAll(deps);
  const lines = items.map((i) => JSON.stringify(sortKeys(i))).sort();
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v instanceof Set) return [...v].map(sortKeys).sort();
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
