/**
 * Message items (MSG#{org}#{shard} / {msgId}) and idempotency items (IDEM#{org}#{producerId} / IDEM).
 *
 * The first write of an event is one conditional PutItem of the message; with a producer id
 * a conditional PutItem of the idempotency key comes first (two one-unit writes instead of a
 * transaction billed twice, docs/cost.md). A key whose message is missing (its writer died
 * between the two puts) is taken over by the next copy of the event, which stores the message
 * under the key's message id. "Skipped" delivery records follow in one BatchWriteItem.
 */
import type { AttributeValue, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { MessageRecord } from "../model/message.js";
import { putAll } from "./batch-write.js";
import { isConditionalCheckFailed } from "./conditional.js";
import { type CursorKey, cursorWithin } from "./cursor.js";
import type { Db } from "./db.js";
import { keys } from "./keys.js";
import { allShards, queryMerged } from "./shards.js";

/** The stored message: the model plus when its fan-out was decided (null while scheduled). */
export interface StoredMessage extends MessageRecord {
  fanout_at: string | null;
  /** Endpoints that were disabled at fan-out (each has a "skipped" delivery record). */
  skipped?: string[];
}

/** Items written atomically with the message (delivery records), keys included. */
export type ExtraItem = Record<string, unknown>;

export type CreateResult =
  /** Stored now; `msgId` when it took over a producer id's earlier message id. */
  | { created: true; msgId?: string }
  /** The message item already exists (same derived id): a redelivered SQS message. */
  | { created: false; reason: "exists"; msgId: string }
  /** The producer id was used within the idempotency window: `msgId` is the first message. */
  | { created: false; reason: "duplicate"; msgId: string };

export interface CreateOptions {
  expiresAt: number;
  /** Epoch ms until which this writer alone sends the message's tasks (see acquireLease). */
  leaseUntil?: number;
  /** The producer's idempotency key, held until `expiresAt` (epoch seconds). */
  idempotency?: { producerId: string; expiresAt: number; nowEpoch: number };
  extra?: ExtraItem[];
}

function messageItem(m: StoredMessage, expiresAt: number, leaseUntil?: number): Record<string, unknown> {
  const { fanout_at, ...rest } = m;
  // A scheduled message has no fanout_at attribute: the fan-out claims it with attribute_not_exists.
  return {
    ...keys.message(m.org_id, m.id),
    ...rest,
    ...(fanout_at ? { fanout_at } : {}),
    ...(leaseUntil ? { lease_until: leaseUntil } : {}),
    expires_at: expiresAt,
  };
}

function toMessage(item: Record<string, unknown>): StoredMessage {
  const { pk: _pk, sk: _sk, expires_at: _e, lease_until: _l, ...rest } = item;
  const m = rest as unknown as StoredMessage;
  return { ...m, fanout_at: m.fanout_at ?? null, targets: m.targets ?? [], sent: m.sent ?? [] };
}

export async function createMessage(db: Db, m: StoredMessage, opts: CreateOptions): Promise<CreateResult> {
  let msg = m;
  if (opts.idempotency) {
    const first = await claimIdempotencyKey(db, m, opts.idempotency);
    if (first !== undefined) {
      if (await getMessage(db, m.org_id, first)) return { created: false, reason: "duplicate", msgId: first };
      // The key's writer died before storing its message: this copy stores it, under that id.
      msg = { ...m, id: first };
    }
  }
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: messageItem(msg, opts.expiresAt, opts.leaseUntil),
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  } catch (err) {
    if (!isConditionalCheckFailed(err)) throw err;
    return { created: false, reason: msg.id === m.id ? "exists" : "duplicate", msgId: msg.id };
  }
  // (A copy that took over an earlier id leaves the skipped records out: theirs keys name its own id.)
  const extra = msg.id === m.id ? (opts.extra ?? []) : [];
  if (extra.length > 0) await putAll(db, extra);
  return msg.id === m.id ? { created: true } : { created: true, msgId: msg.id };
}

/**
 * Claims a producer id for `m`: undefined when claimed now, else the message id it was
 * first claimed for. TTL deletes lazily (up to days later): an expired key counts as absent.
 */
async function claimIdempotencyKey(
  db: Db,
  m: StoredMessage,
  idem: NonNullable<CreateOptions["idempotency"]>,
): Promise<string | undefined> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...keys.idempotency(m.org_id, idem.producerId), msg_id: m.id, expires_at: idem.expiresAt },
        ConditionExpression: "attribute_not_exists(pk) OR expires_at < :now",
        ExpressionAttributeValues: { ":now": idem.nowEpoch },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
    return undefined;
  } catch (err) {
    if (!isConditionalCheckFailed(err)) throw err;
    const old = (err as { Item?: Record<string, AttributeValue> }).Item;
    const first = stringAttr(old, "msg_id") ?? (await idempotentMessageId(db, m.org_id, idem.producerId));
    if (!first) throw err;
    return first;
  }
}

function stringAttr(item: Record<string, AttributeValue> | undefined, name: string): string | undefined {
  const v = item?.[name];
  return v && "S" in v ? v.S : undefined;
}

async function idempotentMessageId(db: Db, org: string, producerId: string): Promise<string | undefined> {
  const res = await db.doc.send(
    new GetCommand({ TableName: db.table, Key: keys.idempotency(org, producerId), ConsistentRead: true }),
  );
  return res.Item?.msg_id as string | undefined;
}

export async function getMessage(db: Db, org: string, msgId: string): Promise<StoredMessage | undefined> {
  const res = await db.doc.send(
    new GetCommand({ TableName: db.table, Key: keys.message(org, msgId), ConsistentRead: true }),
  );
  return res.Item ? toMessage(res.Item) : undefined;
}

/**
 * Records endpoints whose task is on the queue. With `release`, also gives up the send
 * lease in the same request (a fan-out that failed part-way: a retry completes it at once).
 */
export async function markSent(
  db: Db,
  org: string,
  msgId: string,
  endpointIds: string[],
  opts: { release?: boolean } = {},
): Promise<void> {
  if (endpointIds.length === 0) {
    if (opts.release) await releaseLease(db, org, msgId);
    return;
  }
  await db.doc.send(
    new UpdateCommand({
      TableName: db.table,
      Key: keys.message(org, msgId),
      UpdateExpression: `SET sent = list_append(if_not_exists(sent, :empty), :ids)${opts.release ? " REMOVE lease_until" : ""}`,
      ...(opts.release ? { ConditionExpression: "attribute_exists(pk)" } : {}),
      ExpressionAttributeValues: { ":empty": [], ":ids": endpointIds },
    }),
  );
}

/** BatchWriteItem takes at most 25 items per call. */
const WRITE_BATCH = 25;
const WRITE_RETRIES = 3;

/**
 * Records completed fan-outs: every target's task is on the queue. The caller holds each
 * message's send lease, so nobody else writes the item meanwhile (the lease outlasts an
 * invocation, see events/fanout.ts LEASE_MS), and the item is written whole, `sent` =
 * `targets`, lease gone, with one BatchWriteItem per 25 messages instead of one UpdateItem
 * each (the same write units: an update is billed on the whole item too). Items DynamoDB
 * leaves unprocessed after a few retries, or whose call fails, fall back to an UpdateItem.
 * Returns, per message (in order), the error that kept it from being recorded, if any.
 */
export async function markComplete(
  db: Db,
  done: { m: StoredMessage; expiresAt: number }[],
): Promise<(unknown | undefined)[]> {
  const errors: (unknown | undefined)[] = done.map(() => undefined);
  const byKey = new Map<string, number>();
  const puts = done.map(({ m, expiresAt }, i) => {
    byKey.set(`${m.org_id}\u0000${m.id}`, i);
    return { PutRequest: { Item: messageItem({ ...m, sent: [...new Set(m.targets)] }, expiresAt) } };
  });
  const fallback: number[] = [];
  for (let start = 0; start < puts.length; start += WRITE_BATCH) {
    let pending = puts.slice(start, start + WRITE_BATCH);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > WRITE_RETRIES) {
        fallback.push(...pending.map((p) => indexOf(byKey, p.PutRequest.Item)));
        break;
      }
      if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
      try {
        const res = await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.table]: pending } }));
        pending = (res.UnprocessedItems?.[db.table] ?? []) as typeof pending;
      } catch {
        // A call refused as a whole (throttled past the SDK's retries, one bad item): write
        // its messages one by one, so one message's trouble stays its own.
        fallback.push(...pending.map((p) => indexOf(byKey, p.PutRequest.Item)));
        break;
      }
    }
  }
  await Promise.all(
    fallback.map(async (i) => {
      const { m } = done[i]!;
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: keys.message(m.org_id, m.id),
            UpdateExpression: "SET sent = :all REMOVE lease_until",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeValues: { ":all": [...new Set(m.targets)] },
          }),
        );
      } catch (err) {
        errors[i] = err;
      }
    }),
  );
  return errors;
}

function indexOf(byKey: Map<string, number>, item: Record<string, unknown>): number {
  return byKey.get(`${item.org_id as string}\u0000${item.id as string}`)!;
}

/**
 * Claims the fan-out of a scheduled message: sets its targets once. Returns false when
 * another invocation claimed it first (the caller then re-reads the message).
 */
export async function claimFanout(
  db: Db,
  org: string,
  msgId: string,
  claim: { targets: string[]; skipped: string[]; fanoutAt: string; leaseUntil: number },
  extra: ExtraItem[] = [],
): Promise<boolean> {
  const update = {
    TableName: db.table,
    Key: keys.message(org, msgId),
    UpdateExpression: `SET targets = :t, fanout_at = :f, lease_until = :l${claim.skipped.length ? ", skipped = :s" : ""}`,
    ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(fanout_at)",
    ExpressionAttributeValues: {
      ":t": claim.targets,
      ":f": claim.fanoutAt,
      ":l": claim.leaseUntil,
      ...(claim.skipped.length ? { ":s": claim.skipped } : {}),
    },
  };
  try {
    if (extra.length === 0) {
      await db.doc.send(new UpdateCommand(update));
    } else {
      await db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: update },
            ...extra.map((x) => ({ Put: { TableName: db.table, Item: x } })),
          ],
        }),
      );
    }
    return true;
  } catch (err) {
    if (isConditionalCheckFailed(err)) return false;
    if ((err as { name?: string }).name === "TransactionCanceledException") {
      const reasons = (err as TransactionCanceledException).CancellationReasons ?? [];
      if (reasons[0]?.Code === "ConditionalCheckFailed") return false;
    }
    throw err;
  }
}

/**
 * The send lease: whoever holds it sends the message's missing tasks. The first writer
 * holds it from the start; a duplicate or redelivery that finds the fan-out incomplete
 * takes it only once it has lapsed or been released, so two concurrent copies of one event
 * never both send. Returns the message as it is now (fresh `sent`), or undefined when
 * someone else holds the lease.
 */
export async function acquireLease(
  db: Db,
  org: string,
  msgId: string,
  nowMs: number,
  untilMs: number,
): Promise<StoredMessage | undefined> {
  try {
    const res = await db.doc.send(
      new UpdateCommand({
        TableName: db.table,
        Key: keys.message(org, msgId),
        UpdateExpression: "SET lease_until = :until",
        ConditionExpression:
          "attribute_exists(pk) AND (attribute_not_exists(lease_until) OR lease_until < :now)",
        ExpressionAttributeValues: { ":until": untilMs, ":now": nowMs },
        ReturnValues: "ALL_NEW",
      }),
    );
    return res.Attributes ? toMessage(res.Attributes) : undefined;
  } catch (err) {
    if (isConditionalCheckFailed(err)) return undefined;
    throw err;
  }
}

/** Gives the lease up after a failed send, so a retry can complete the fan-out at once. */
export async function releaseLease(db: Db, org: string, msgId: string): Promise<void> {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.table,
      Key: keys.message(org, msgId),
      UpdateExpression: "REMOVE lease_until",
      ConditionExpression: "attribute_exists(pk)",
    }),
  );
}

export interface MessagePage {
  items: StoredMessage[];
  lastKey: CursorKey | undefined;
}

/** Newest first, every shard merged; with `type`, only that type (a filter). */
export async function listMessages(
  db: Db,
  org: string,
  opts: { limit: number; type?: string; startKey?: CursorKey },
): Promise<MessagePage> {
  // The cursor is the last message id returned, scoped to the caller's organization.
  const scope = keys.messageListing(org);
  const cursor = cursorWithin(opts.startKey, { pk: scope }, { sk: "msg_" });
  const { items, next } = await queryMerged(db, {
    pks: allShards().map((s) => keys.messagePartition(org, s)),
    from: "msg_",
    to: cursor?.sk ?? "msg_\uffff",
    limit: opts.limit,
    // A filter runs after DynamoDB's Limit: keep reading until the page is full.
    maxRounds: opts.type ? 100 : 5,
    ...(opts.type
      ? {
          filter: {
            FilterExpression: "#type = :type",
            ExpressionAttributeNames: { "#type": "type" },
            values: { ":type": opts.type },
          },
        }
      : {}),
  });
  return { items: items.map(toMessage), lastKey: next === undefined ? undefined : { pk: scope, sk: next } };
}
