/**
 * The in-memory adapter of the store: a `Db` whose document client answers the commands the
 * stores send (Get, Put, Update, Delete, Query, Scan, BatchWrite, TransactWrite) from a
 * MemoryTable, with DynamoDB's semantics: condition expressions, update expressions, the
 * errors the stores catch (ConditionalCheckFailedException with the old item when asked,
 * TransactionCanceledException with its reasons), Limit and the 1 MB page, 400 KB items,
 * 25-item batches, 100-item transactions, no consistent reads on an index. So every store
 * module (its keys, conditions, idempotency and leases) runs unchanged on it: the fast tests
 * and the simulation (sim/aws/dynamodb.ts serves its calls with `serve`) run the production
 * store code, not a twin of it.
 */
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { memoryKeyWrapper } from "./key-wrap.js";
import { applyUpdate, holds, type Item, invalid } from "./memory-evaluate.js";
import { parseCondition, parseUpdate } from "./memory-expression.js";
import {
  clean,
  type Expr,
  projected,
  type QueryInput,
  query,
  type ReadObserver,
  scan,
} from "./memory-query.js";
import { keyOf, MemoryTable } from "./memory-table.js";
import { createSecretsAtRest } from "./secrets-at-rest.js";
import type { Db } from "./table.js";

export interface MemoryDb extends Db {
  /** The table itself (tests read it). */
  memory: MemoryTable;
  /** Commands served, by name (what a test may count). */
  calls: Record<string, number>;
}

/** A `Db` on an in-memory table, its secrets wrapped by an in-memory master key; `now` is the clock (ms). */
export function createMemoryDb(now: () => number = Date.now): MemoryDb {
  const memory = new MemoryTable();
  const calls: Record<string, number> = {};
  const send = async (command: { input: unknown }): Promise<unknown> => {
    const name = command.constructor.name;
    calls[name] = (calls[name] ?? 0) + 1;
    // Answer on a later tick, as a network call does: callers must not rely on synchronous writes.
    await Promise.resolve();
    return serve(memory, command);
  };
  const doc = { send } as unknown as DynamoDBDocumentClient;
  const db = { doc, table: "memory", memory, calls, now: () => new Date(now()) } as MemoryDb;
  const wrapper = memoryKeyWrapper();
  db.secrets = createSecretsAtRest(db, () => wrapper, now);
  return db;
}

/**
 * Answers one document-client command from the table. `read` sees each item a Get, Query or
 * Scan reads, before its filter and projection (the simulation meters read units with it).
 */
export function serve(t: MemoryTable, command: { input: unknown }, read?: ReadObserver): unknown {
  if (command instanceof GetCommand) {
    const item = t.get(command.input.Key as Item);
    if (item) read?.(item);
    return { Item: item && projected(item, command.input) };
  }
  if (command instanceof PutCommand) return put(t, command.input as Expr & { Item: Item });
  if (command instanceof UpdateCommand) return update(t, command.input as UpdateInput);
  if (command instanceof DeleteCommand) return del(t, command.input as Expr & { Key: Item });
  if (command instanceof QueryCommand) return query(t, command.input as QueryInput, read);
  if (command instanceof ScanCommand) return scan(t, command.input as QueryInput, read);
  if (command instanceof BatchWriteCommand)
    return batchWrite(t, (command.input.RequestItems ?? {}) as Record<string, WriteRequest[]>);
  if (command instanceof TransactWriteCommand)
    return transact(t, (command.input.TransactItems ?? []) as TransactItem[]);
  throw invalid(`the in-memory table does not serve ${command.constructor.name}`);
}

function checkCondition(
  current: Item | undefined,
  input: Expr & { ReturnValuesOnConditionCheckFailure?: string },
) {
  if (!input.ConditionExpression) return;
  const c = parseCondition(input.ConditionExpression, input.ExpressionAttributeNames);
  if (holds(current, c, clean(input.ExpressionAttributeValues ?? {}))) return;
  const err = new Error("The conditional request failed") as Error & { Item?: unknown };
  err.name = "ConditionalCheckFailedException";
  if (input.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && current) err.Item = marshall(current);
  throw err;
}

function put(t: MemoryTable, input: Expr & { Item: Item; ReturnValues?: string }) {
  const item = clean(input.Item);
  const old = t.get(keyOf(item));
  checkCondition(old, input);
  t.put(item);
  return input.ReturnValues === "ALL_OLD" ? { Attributes: old } : {};
}

type UpdateInput = Expr & { Key: Item; UpdateExpression?: string; ReturnValues?: string };

function updated(t: MemoryTable, input: UpdateInput): { old: Item | undefined; next: Item } {
  const key = keyOf(input.Key);
  const old = t.get(key);
  checkCondition(old, input);
  const actions = parseUpdate(input.UpdateExpression ?? "", input.ExpressionAttributeNames);
  const next = applyUpdate(old ?? { ...key }, actions, clean(input.ExpressionAttributeValues ?? {}));
  if (next.pk !== key.pk || next.sk !== key.sk)
    throw invalid("Cannot update attribute pk or sk: part of the key");
  return { old, next };
}

function update(t: MemoryTable, input: UpdateInput) {
  const { old, next } = updated(t, input);
  t.put(next);
  if (input.ReturnValues === "ALL_NEW") return { Attributes: structuredClone(next) };
  if (input.ReturnValues === "ALL_OLD") return { Attributes: old };
  if (input.ReturnValues && input.ReturnValues !== "NONE") {
    throw invalid(`the in-memory table does not return ${input.ReturnValues}`);
  }
  return {};
}

function del(t: MemoryTable, input: Expr & { Key: Item; ReturnValues?: string }) {
  const old = t.get(keyOf(input.Key));
  checkCondition(old, input);
  t.delete(input.Key);
  return input.ReturnValues === "ALL_OLD" ? { Attributes: old } : {};
}

type WriteRequest = { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } };

function batchWrite(t: MemoryTable, requests: Record<string, WriteRequest[] | undefined>) {
  const all = Object.values(requests).flatMap((r) => r ?? []);
  if (all.length > 25) throw invalid("Too many items requested for the BatchWriteItem call");
  const keys = all.map((r) => keyOf(r.PutRequest?.Item ?? r.DeleteRequest!.Key));
  if (new Set(keys.map((k) => `${k.pk}\u0000${k.sk}`)).size < keys.length) {
    throw invalid("Provided list of item keys contains duplicates");
  }
  for (const r of all) {
    if (r.PutRequest) t.put(clean(r.PutRequest.Item));
    else t.delete(r.DeleteRequest!.Key);
  }
  return { UnprocessedItems: {} };
}

type TransactItem = {
  ConditionCheck?: Expr & { Key: Item };
  Put?: Expr & { Item: Item };
  Update?: UpdateInput;
  Delete?: Expr & { Key: Item };
};

/** All or nothing: every condition is checked against the table before anything is written. */
function transact(t: MemoryTable, items: TransactItem[]) {
  if (items.length > 100) throw invalid("Member must have length less than or equal to 100");
  const writes: (() => void)[] = [];
  const reasons = items.map((x) => {
    try {
      if (x.ConditionCheck) checkCondition(t.get(keyOf(x.ConditionCheck.Key)), x.ConditionCheck);
      else if (x.Put) {
        const item = clean(x.Put.Item);
        checkCondition(t.get(keyOf(item)), x.Put);
        writes.push(() => t.put(item));
      } else if (x.Update) {
        const { next } = updated(t, x.Update);
        writes.push(() => t.put(next));
      } else if (x.Delete) {
        const del = x.Delete;
        checkCondition(t.get(keyOf(del.Key)), del);
        writes.push(() => t.delete(del.Key));
      }
      return { Code: "None" };
    } catch (err) {
      if ((err as Error).name !== "ConditionalCheckFailedException") throw err;
      return { Code: "ConditionalCheckFailed", Message: "The conditional request failed" };
    }
  });
  if (reasons.some((r) => r.Code !== "None")) {
    const err = new Error(`Transaction cancelled [${reasons.map((r) => r.Code).join(", ")}]`) as Error & {
      CancellationReasons?: unknown;
    };
    err.name = "TransactionCanceledException";
    err.CancellationReasons = reasons;
    throw err;
  }
  for (const w of writes) w();
  return {};
}

/** The low-level attribute-value form of an item (what DynamoDB returns with a refused condition). */
function marshall(v: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Item)) out[k] = attribute(x);
  return out;
}

function attribute(x: unknown): unknown {
  if (typeof x === "string") return { S: x };
  if (typeof x === "number") return { N: String(x) };
  if (typeof x === "boolean") return { BOOL: x };
  if (x === null) return { NULL: true };
  if (Array.isArray(x)) return { L: x.map(attribute) };
  if (x instanceof Set) return typeof [...x][0] === "number" ? { NS: [...x].map(String) } : { SS: [...x] };
  if (x instanceof Uint8Array) return { B: x };
  return { M: marshall(x) };
}
