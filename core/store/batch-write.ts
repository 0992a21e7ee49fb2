/**
 * Puts many items with BatchWriteItem (25 per request), retrying what DynamoDB reports
 * as UnprocessedItems with backoff. Used where one invocation produces many independent
 * items (the delivery engine's attempt log), so N records cost N/25 requests, not N.
 */
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "./db.js";

const BATCH = 25;
const RETRIES = 5;

export class UnprocessedError extends Error {
  constructor(readonly unprocessed: number) {
    super(`DynamoDB left ${unprocessed} item(s) unprocessed after retries`);
  }
}

type PutRequest = { PutRequest: { Item: Record<string, unknown> } };

/** Writes every item; throws UnprocessedError with the count that never made it. */
export async function putAll(db: Db, items: Record<string, unknown>[]): Promise<void> {
  // BatchWriteItem rejects two writes to the same key in one request: the last one wins here.
  const byKey = new Map<string, Record<string, unknown>>();
  for (const item of items) byKey.set(`${String(item.pk)}\u0000${String(item.sk)}`, item);
  const unique = [...byKey.values()];
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < unique.length; i += BATCH) chunks.push(unique.slice(i, i + BATCH));
  const left = await Promise.all(chunks.map((chunk) => putChunk(db, chunk)));
  const total = left.reduce((a, b) => a + b, 0);
  if (total > 0) throw new UnprocessedError(total);
}

async function putChunk(db: Db, chunk: Record<string, unknown>[]): Promise<number> {
  let pending: PutRequest[] = chunk.map((Item) => ({ PutRequest: { Item } }));
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > RETRIES) return pending.length;
    if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt + Math.random() * 25));
    const res = await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.table]: pending } }));
    pending = (res.UnprocessedItems?.[db.table] ?? []) as PutRequest[];
  }
  return 0;
}
