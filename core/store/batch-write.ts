/**
 * The one batch write: puts many items with BatchWriteItem (25 per request), retrying what
 * DynamoDB reports as UnprocessedItems with backoff. Used where one invocation produces many
 * independent items (the delivery engine's attempt log, completed fan-outs, recovery), so N
 * items cost N/25 requests, not N.
 */
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { doubling, mapLimit } from "../lib/index.js";
import type { Db } from "./table.js";

const BATCH = 25;
const RETRIES = 5;
/** A retry's wait: 50 ms doubling (core/lib/backoff.ts) to the fifth's 800 ms, plus up to 25 ms at random. */
const retryWaitMs = (attempt: number) => doubling(25, attempt, 800) + Math.random() * 25;

export class UnprocessedError extends Error {
  constructor(readonly unprocessed: number) {
    super(`DynamoDB left ${unprocessed} item(s) unprocessed after retries`);
  }
}

type Item = Record<string, unknown>;
type PutRequest = { PutRequest: { Item: Item } };

export interface BatchWriteReport {
  /** Items not written: still unprocessed after the retries, or in a call that threw. */
  left: Item[];
  /** The first error a whole call threw (after the SDK's own retries). */
  error?: unknown;
}

/**
 * Writes every item, the calls in parallel, and never throws: what did not make it is in
 * `left`, so a caller can fall back item by item. `retries` bounds the UnprocessedItems rounds.
 */
export async function writeAll(db: Db, items: Item[], retries = RETRIES): Promise<BatchWriteReport> {
  // BatchWriteItem rejects two writes to the same key in one request: the last one wins here.
  const byKey = new Map<string, Item>();
  for (const item of items) byKey.set(`${String(item.pk)}\u0000${String(item.sk)}`, item);
  const unique = [...byKey.values()];
  const chunks: Item[][] = [];
  for (let i = 0; i < unique.length; i += BATCH) chunks.push(unique.slice(i, i + BATCH));
  const report: BatchWriteReport = { left: [] };
  await mapLimit(chunks, chunks.length, async (chunk) => {
    const { left, error } = await putChunk(db, chunk, retries);
    report.left.push(...left);
    if (error !== undefined) report.error ??= error;
  });
  return report;
}

/** Writes every item; throws the error of a failed call, or UnprocessedError with the count. */
export async function putAll(db: Db, items: Item[]): Promise<void> {
  const { left, error } = await writeAll(db, items);
  if (error) throw error;
  if (left.length > 0) throw new UnprocessedError(left.length);
}

/** The items of one call DynamoDB still left unprocessed after `retries` rounds, or when it threw. */
async function putChunk(db: Db, chunk: Item[], retries: number): Promise<BatchWriteReport> {
  let pending: PutRequest[] = chunk.map((Item) => ({ PutRequest: { Item } }));
  const left = () => pending.map((p) => p.PutRequest.Item);
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > retries) return { left: left() };
    if (attempt > 0) await new Promise((r) => setTimeout(r, retryWaitMs(attempt)));
    try {
      const res = await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.table]: pending } }));
      pending = (res.UnprocessedItems?.[db.table] ?? []) as PutRequest[];
    } catch (error) {
      // A throttled call (after the SDK's own retries) waits and tries again like unprocessed
      // items do; anything else is reported at once.
      if (!isThrottle(error) || attempt >= retries) return { left: left(), error };
    }
  }
  return { left: [] };
}

/** DynamoDB's answers to a partition or table over its throughput (worth waiting for). */
const THROTTLES = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
]);

export function isThrottle(err: unknown): boolean {
  return THROTTLES.has((err as { name?: string })?.name ?? "");
}
