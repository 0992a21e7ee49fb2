/**
 * One item by its key: the reads and conditional writes every store makes, written once.
 * A conditional write answers false (or undefined) when DynamoDB refused it on its condition
 * (the item is there already, gone, or not in the state the write expects); every other
 * failure is thrown, but by a take (`busyIfThrottled`).
 */
import { randomBytes } from "node:crypto";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  GetCommand,
  type GetCommandOutput,
  PutCommand,
  UpdateCommand,
  type UpdateCommandInput,
  type UpdateCommandOutput,
} from "@aws-sdk/lib-dynamodb";
import { isThrottle } from "./batch-write.js";
import { isConditionalCheckFailed } from "./conditional.js";
import type { Key } from "./keys.js";
import type { Db } from "./table.js";

/** An item as the document client returns it. */
type Item = NonNullable<GetCommandOutput["Item"]>;
type Update = Omit<UpdateCommandInput, "TableName" | "ReturnValues">;

/**
 * The item under `key`, or undefined. Strongly consistent unless `consistent` is false: a
 * write a moment ago by another process must be found.
 */
export async function getItem(
  db: Db,
  key: Key,
  opts: { consistent?: boolean } = {},
): Promise<Item | undefined> {
  const consistent = opts.consistent ?? true;
  const res = await db.doc.send(
    new GetCommand({ TableName: db.table, Key: key, ...(consistent ? { ConsistentRead: true } : {}) }),
  );
  return res.Item;
}

/** Runs a conditional write; false when its condition failed. */
export async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (err) {
    if (isConditionalCheckFailed(err)) return false;
    throw err;
  }
}

/** Stores a new item; false when one with its key exists already. */
export function putIfAbsent(db: Db, item: Record<string, unknown>): Promise<boolean> {
  return conditionHeld(
    db.doc.send(
      new PutCommand({ TableName: db.table, Item: item, ConditionExpression: "attribute_not_exists(pk)" }),
    ),
  );
}

/** An UpdateItem; false when its condition failed. */
export function updateIf(db: Db, update: Update): Promise<boolean> {
  return conditionHeld(db.doc.send(new UpdateCommand({ TableName: db.table, ...update })));
}

/**
 * An UpdateItem: true, or when its condition failed the item DynamoDB found (in its own
 * attribute form, as the refusal carries it: no second call to read it; undefined: none).
 */
export async function updateOrFound(
  db: Db,
  update: Update,
): Promise<true | { found: Record<string, AttributeValue> | undefined }> {
  try {
    await db.doc.send(
      new UpdateCommand({ TableName: db.table, ...update, ReturnValuesOnConditionCheckFailure: "ALL_OLD" }),
    );
    return true;
  } catch (err) {
    if (isConditionalCheckFailed(err)) return { found: refusedOn(err) };
    throw err;
  }
}

/** The item a write that asked ALL_OLD on refusal was refused on (undefined: none). */
export const refusedOn = (err: unknown): Record<string, AttributeValue> | undefined =>
  (err as { Item?: Record<string, AttributeValue> }).Item;

/**
 * An UpdateItem of an item that must exist (a late write must not bring a deleted item back
 * as a stub of its own attributes); false when it does not.
 */
export function updateExisting(
  db: Db,
  key: Key,
  expression: string,
  values: Record<string, unknown>,
): Promise<boolean> {
  return updateIf(db, {
    Key: key,
    UpdateExpression: expression,
    ConditionExpression: "attribute_exists(pk)",
    ExpressionAttributeValues: values,
  });
}

/** An UpdateItem that answers with the item as written; undefined when its condition failed. */
export async function updateReturning(db: Db, update: Update): Promise<Item | undefined> {
  let res: UpdateCommandOutput;
  try {
    res = await db.doc.send(new UpdateCommand({ TableName: db.table, ...update, ReturnValues: "ALL_NEW" }));
  } catch (err) {
    if (isConditionalCheckFailed(err)) return undefined;
    throw err;
  }
  return res.Attributes;
}

/**
 * A take's own mark, written with what it takes (48 random bits: two takes never share one).
 * A take applied whose answer was lost (a timeout, a 5xx after the write) is retried by the SDK,
 * and the retry is refused on what the first took: the mark found there tells it is its own.
 */
export const newHolder = (): string => randomBytes(6).toString("base64url");

/**
 * A take whose `update` writes its mark (`mark`, newHolder) in `attr` beside what it takes: true
 * when applied, or refused on that mark (applied, its answer lost, the SDK's retry refused on
 * it). The refusal carries the item (updateOrFound): no read.
 */
export async function takeMarked(db: Db, attr: string, mark: string, update: Update): Promise<boolean> {
  const taken = await updateOrFound(db, update);
  return taken === true || hasMark(taken.found, attr, mark);
}

/**
 * Whether an item a refusal carried (refusedOn, updateOrFound) holds `mark` in `attr`: the take's
 * own (`mark` undefined: a write that leaves none, so an item with none is its own).
 */
export const hasMark = (
  found: Record<string, AttributeValue> | undefined,
  attr: string,
  mark: string | undefined,
): boolean => found !== undefined && found[attr]?.S === mark;

/**
 * The item a take writing its mark (`mark` in `attr`) holds: as `update` wrote it, or, refused,
 * as read once when it carries that mark (applied, its answer lost, the SDK's retry refused on
 * it); else undefined.
 */
export async function takeMarkedReturning(
  db: Db,
  attr: string,
  mark: string,
  update: Update & { Key: Key },
): Promise<Item | undefined> {
  return (await updateReturning(db, update)) ?? markedItem(db, update.Key, attr, mark);
}

/** The item under `key` when it carries `mark` in `attr` (a refused take's own), read once. */
export async function markedItem(db: Db, key: Key, attr: string, mark: string): Promise<Item | undefined> {
  const found = await getItem(db, key);
  return found?.[attr] === mark ? found : undefined;
}

/** How long a throttled take reads as busy: a partition's limits are per second. */
export const THROTTLED_MS = 1_000;

/**
 * A take (of a rate-limit slot, a waiter's claim, a resume run's lease: its reads and its
 * conditional write) that DynamoDB throttled past the SDK's retries answers `busy()`, as if
 * another process held what it takes, instead of throwing: a throttled call is not applied, so
 * nothing was taken, and each caller already has its path for "held, try later" (the task
 * deferred, the waiter left to a next run, the run scheduled after the lease). Thrown, the
 * throttle failed a delivery's record (held for the visibility timeout, a receive counted
 * towards the DLQ) or a whole scheduled run (retried by run-fallback.ts as a failure, which
 * pages after an hour). At this level, not `updateIf`'s: a take's reads are throttled as its
 * write is, and what the caller does instead is the take's own answer (issue #25, the
 * simulation's throttle-storm and dead-endpoint-3d).
 */
export async function busyIfThrottled<T, B>(take: () => Promise<T>, busy: () => B): Promise<T | B> {
  try {
    return await take();
  } catch (err) {
    if (isThrottle(err)) return busy();
    throw err;
  }
}
