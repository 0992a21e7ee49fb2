/**
 * The fan-out state of a message item: which endpoints' tasks are on the queue (`sent`), the
 * claim of a scheduled message's targets, and the send lease that lets one invocation at a
 * time send the missing tasks (events/fanout.ts explains the protocol). The item itself is
 * written and read by messages.ts.
 */
import { TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DeliveryRecord, StoredMessage } from "../model/index.js";
import { putAll, writeAll } from "./batch-write.js";
import { isConditionalCheckFailed } from "./conditional.js";
import { deliveryItem } from "./deliveries.js";
import { markedItem, newHolder, takeMarkedReturning } from "./item.js";
import { keys, ttlAfter } from "./keys.js";
import { type CreateResult, createMessage, type ExtraItem, messageItem, toMessage } from "./messages.js";
import { closeFanout, type OpenFanout, openFanoutsBefore } from "./open-fanouts.js";
import { plansOf, shardPlanOf } from "./shard-plans.js";
import type { Db } from "./table.js";
import { failedConditions } from "./transact.js";

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
      Key: keys.message(org, msgId, await shardPlanOf(db, org)),
      UpdateExpression: `SET sent = list_append(if_not_exists(sent, :empty), :ids)${opts.release ? " REMOVE lease_until" : ""}`,
      ...(opts.release ? { ConditionExpression: "attribute_exists(pk)" } : {}),
      ExpressionAttributeValues: { ":empty": [], ":ids": endpointIds },
    }),
  );
}

/** Rounds of UnprocessedItems before a message falls back to its own UpdateItem. */
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
  const plans = await plansOf(
    db,
    done.map(({ m }) => m.org_id),
  );
  const items = done.map(({ m, expiresAt }, i) => {
    byKey.set(`${m.org_id}\u0000${m.id}`, i);
    return messageItem({ ...m, sent: [...new Set(m.targets)] }, plans.get(m.org_id)!, expiresAt);
  });
  // A call refused as a whole (throttled past the SDK's retries, one bad item) leaves its
  // messages to be written one by one, so one message's trouble stays its own.
  const { left } = await writeAll(db, items, WRITE_RETRIES);
  const fallback = left.map((item) => indexOf(byKey, item));
  await Promise.all(
    fallback.map(async (i) => {
      const { m } = done[i]!;
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: keys.message(m.org_id, m.id, plans.get(m.org_id)!),
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
 * another invocation claimed it first (the caller then re-reads the message). Refused on its
 * own mark (`lease_by`, as acquireLease), the claim is this call's: applied, its answer lost,
 * the SDK's retry refused on it (read as another's, it waited for a lease check). One read
 * on a refusal.
 */
async function claimFanout(
  db: Db,
  org: string,
  msgId: string,
  claim: { targets: string[]; skipped: string[]; fanoutAt: string; leaseUntil: number },
  extra: ExtraItem[] = [],
): Promise<boolean> {
  const mark = newHolder();
  const update = {
    TableName: db.table,
    Key: keys.message(org, msgId, await shardPlanOf(db, org)),
    UpdateExpression: `SET targets = :t, fanout_at = :f, lease_until = :l, lease_by = :by${claim.skipped.length ? ", skipped = :s" : ""}`,
    ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(fanout_at)",
    ExpressionAttributeValues: {
      ":t": claim.targets,
      ":f": claim.fanoutAt,
      ":l": claim.leaseUntil,
      ":by": mark,
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
    // The claim's own condition failed (alone, or as the transaction's first item).
    if (isConditionalCheckFailed(err) || failedConditions(err)[0] === 0)
      return (await markedItem(db, update.Key, "lease_by", mark)) !== undefined;
    throw err;
  }
}

/**
 * The send lease: whoever holds it sends the message's missing tasks. The first writer
 * holds it from the start; a duplicate or redelivery that finds the fan-out incomplete
 * takes it only once it has lapsed or been released, so two concurrent copies of one event
 * never both send. Returns the message as it is now (fresh `sent`), or undefined when
 * someone else holds the lease. Refused on its own mark (`lease_by`), the lease is this
 * call's: applied, its answer lost, the SDK's retry refused on it (read as held, the tasks
 * waited for a second lease check). One read on a refusal only.
 */
export async function acquireLease(
  db: Db,
  org: string,
  msgId: string,
  nowMs: number,
  untilMs: number,
): Promise<StoredMessage | undefined> {
  const key = keys.message(org, msgId, await shardPlanOf(db, org));
  const mark = newHolder();
  const item = await takeMarkedReturning(db, "lease_by", mark, {
    Key: key,
    UpdateExpression: "SET lease_until = :until, lease_by = :by",
    ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(lease_until) OR lease_until < :now)",
    ExpressionAttributeValues: { ":until": untilMs, ":by": mark, ":now": nowMs },
  });
  return item ? toMessage(item) : undefined;
}

/** Gives the lease up after a failed send, so a retry can complete the fan-out at once. */
export async function releaseLease(db: Db, org: string, msgId: string): Promise<void> {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.table,
      Key: keys.message(org, msgId, await shardPlanOf(db, org)),
      UpdateExpression: "REMOVE lease_until",
      ConditionExpression: "attribute_exists(pk)",
    }),
  );
}

/** How long a message and its records are kept: the event retention, in days. */
export interface MessageRetention {
  eventDays: number;
  idempotencyHours: number;
}

/** Retention of a message and its records, counted from when it is delivered (epoch seconds). */
function messageExpiry(
  m: Pick<StoredMessage, "created_at" | "deliver_at" | "expires_at">,
  retention: MessageRetention,
): number {
  // Ingest sets the event's own retention (per organization and type); the default otherwise.
  if (m.expires_at !== undefined) return m.expires_at;
  const from = new Date(Math.max(Date.parse(m.created_at), m.deliver_at ? Date.parse(m.deliver_at) : 0));
  return ttlAfter(from, retention.eventDays * 86_400);
}

/** Delivery records written in the message's transaction; DynamoDB allows 100 items. */
const MAX_EXTRA_IN_TRANSACTION = 90;

/**
 * What ingest and the fan-out write of a message: its first write (with the producer's
 * idempotency key and the "skipped" delivery records of disabled endpoints), the claim of a
 * scheduled message's targets, the send lease and the record of what went out. Items, TTLs
 * (the event retention, from when the message is delivered) and batch writes are made here.
 */
export interface FanoutStore {
  /**
   * Stores a new message unless it exists (or its producer id was used within the
   * idempotency window); `skipped` records follow in batches once it is stored.
   */
  create(
    m: StoredMessage,
    opts: {
      now: Date;
      leaseUntil?: number;
      skipped: DeliveryRecord[];
      payloadHash: string;
      open?: boolean;
      /** A throttled write throws at once; the id is this call's own (CreateOptions, messages.ts). */
      throttledOnce?: boolean;
      newId?: boolean;
    },
  ): Promise<CreateResult>;
  /** Deletes the open fan-out marker of `m` (core/store/open-fanouts.ts): its fan-out is seen through. */
  close(m: Pick<StoredMessage, "org_id" | "id" | "created_at">): Promise<void>;
  /** Open markers created before `before` (ISO), the oldest `perShard` of each partition: for the sweep. */
  openBefore(before: string, perShard: number): Promise<OpenFanout[]>;
  /** Sets a scheduled message's targets once (false: another invocation claimed it first). */
  claim(
    m: StoredMessage,
    claim: { targets: string[]; fanoutAt: string; leaseUntil: number; skipped: DeliveryRecord[] },
  ): Promise<boolean>;
  /** The send lease until `until` (epoch ms): the message as it is now, or undefined when held. */
  acquireLease(
    org: string,
    msgId: string,
    at: { now: number; until: number },
  ): Promise<StoredMessage | undefined>;
  releaseLease(org: string, msgId: string): Promise<void>;
  /** Appends endpoints whose task is on the queue; `release` gives the lease up in the same write. */
  markSent(org: string, msgId: string, endpointIds: string[], opts?: { release?: boolean }): Promise<void>;
  /** Records complete fan-outs; per message (in order) the error that kept it from being recorded. */
  markComplete(ms: StoredMessage[]): Promise<(unknown | undefined)[]>;
}

export function fanoutStore(db: Db, retention: MessageRetention): FanoutStore {
  const itemsOf = async (m: StoredMessage, records: DeliveryRecord[]) => {
    const plan = await shardPlanOf(db, m.org_id);
    return records.map((r) => deliveryItem(r, plan, messageExpiry(m, retention)));
  };
  return {
    create: async (m, { now, skipped, payloadHash, ...put }) =>
      createMessage(db, m, {
        ...put, // leaseUntil, open, throttledOnce, newId
        expiresAt: messageExpiry(m, retention),
        idempotency: m.producer_id
          ? {
              producerId: m.producer_id,
              expiresAt: ttlAfter(now, retention.idempotencyHours * 3600),
              nowEpoch: Math.floor(now.getTime() / 1000),
              payloadHash,
            }
          : undefined,
        extra: await itemsOf(m, skipped),
      }),
    claim: async (m, { skipped, ...claim }) => {
      const items = await itemsOf(m, skipped);
      const ids = skipped.map((r) => r.endpoint_id);
      const inline = items.slice(0, MAX_EXTRA_IN_TRANSACTION);
      if (!(await claimFanout(db, m.org_id, m.id, { ...claim, skipped: ids }, inline))) return false;
      // Only huge fan-outs have more: written after the claim, by its winner alone.
      await putAll(db, items.slice(MAX_EXTRA_IN_TRANSACTION));
      return true;
    },
    close: (m) => closeFanout(db, m),
    openBefore: (before, perShard) => openFanoutsBefore(db, before, perShard),
    acquireLease: (org, msgId, at) => acquireLease(db, org, msgId, at.now, at.until),
    releaseLease: (org, msgId) => releaseLease(db, org, msgId),
    markSent: (org, msgId, endpointIds, opts) => markSent(db, org, msgId, endpointIds, opts),
    markComplete: (ms) =>
      markComplete(
        db,
        ms.map((m) => ({ m, expiresAt: messageExpiry(m, retention) })),
      ),
  };
}
