/**
 * Message items (MSG#{org}#{shard} / {msgId}) and idempotency items (IDEM#{org}#{producerId} / IDEM).
 *
 * The first write of an event is one conditional PutItem of the message; with a producer id
 * a conditional PutItem of the idempotency key comes first (two one-unit writes instead of a
 * transaction billed twice, docs/cost.md). A key whose message is missing (its writer died
 * between the two puts) is taken over by the next copy of the event, which stores the message
 * under the key's message id. "Skipped" delivery records follow in one BatchWriteItem.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { encodeTime } from "ulid";
import {
  type CursorKey,
  type Page,
  type StoredMessage,
  subjectDigest,
  WriteThrottled,
} from "../model/index.js";
import { isThrottle, putAll } from "./batch-write.js";
import { isConditionalCheckFailed } from "./conditional.js";
import { cursorWithin } from "./cursor.js";
import { getItem, hasMark, newHolder, refusedOn } from "./item.js";
import { keys } from "./keys.js";
import { type MessageHead, messagesTargeting } from "./message-scan.js";
import { closeFanout, openAmong, openFanout } from "./open-fanouts.js";
import { type ShardPlan, shardsBelow } from "./shard-plan.js";
import { growShards, shardPlanOf } from "./shard-plans.js";
import { queryMerged } from "./shards.js";
import type { Db } from "./table.js";
import { withoutThrottleRetries } from "./throttle-retries.js";

/** Items written atomically with the message (delivery records), keys included. */
export type ExtraItem = Record<string, unknown>;

export type CreateResult =
  /** Stored now; `msgId` when it took over a producer id's earlier message id. */
  | { created: true; msgId?: string }
  /** The message item already exists (same derived id): a redelivered SQS message. */
  | { created: false; reason: "exists"; msgId: string }
  /** The producer id was used within the idempotency window: `msgId` is the first message. */
  | { created: false; reason: "duplicate"; msgId: string }
  /** The producer id was used within the window for another payload (another `payloadHash`). */
  | { created: false; reason: "conflict"; msgId: string };

export interface CreateOptions {
  expiresAt: number;
  /** Epoch ms until which this writer alone sends the message's tasks (see acquireLease). */
  leaseUntil?: number;
  /**
   * The producer's idempotency key, held until `expiresAt` (epoch seconds), with the hash of
   * the payload it was claimed for (a key claimed before hashes were stored has none).
   */
  idempotency?: { producerId: string; expiresAt: number; nowEpoch: number; payloadHash: string };
  extra?: ExtraItem[];
  /**
   * Put an open fan-out marker first (core/store/open-fanouts.ts): nothing but this writer
   * would finish the fan-out if it died (an HTTP publish), so the sweep must be able to.
   */
  open?: boolean;
  /**
   * A throttled message write is not retried by the SDK: it throws at once, for a caller that
   * waits elsewhere (the ingest function defers the record on its queue, core/events/defer.ts).
   */
  throttledOnce?: boolean;
  /**
   * The message id was made for this call (a new ULID; not derived from an SQS message id): the
   * one write of it with no mark (createMessage tells its own write from another's by the mark).
   */
  newId?: boolean;
}

export function messageItem(
  m: StoredMessage,
  plan: ShardPlan,
  expiresAt: number,
  leaseUntil?: number,
): Record<string, unknown> {
  const { fanout_at, ...rest } = m;
  // A scheduled message has no fanout_at attribute: the fan-out claims it with attribute_not_exists.
  // A subject puts the message in the sparse subject index (GSI2, keys only) erasures query.
  return {
    ...keys.message(m.org_id, m.id, plan),
    ...rest,
    ...(m.subject !== undefined && m.erased_at === undefined
      ? keys.bySubject(m.org_id, subjectDigest(m.subject), m.id)
      : {}),
    ...(fanout_at ? { fanout_at } : {}),
    ...(leaseUntil ? { lease_until: leaseUntil } : {}),
    expires_at: expiresAt,
  };
}

export function toMessage(item: Record<string, unknown>): StoredMessage {
  const { pk: _pk, sk: _sk, gsi2pk: _g, gsi2sk: _gs, lease_until: _l, lease_by: _b, ...rest } = item;
  const m = rest as unknown as StoredMessage;
  return { ...m, fanout_at: m.fanout_at ?? null, targets: m.targets ?? [], sent: m.sent ?? [] };
}

export async function createMessage(db: Db, m: StoredMessage, opts: CreateOptions): Promise<CreateResult> {
  let msg = m;
  if (opts.idempotency) {
    const first = await claimIdempotencyKey(db, m, opts.idempotency);
    if (first !== undefined) {
      const { msgId, payloadHash } = first;
      if (payloadHash !== undefined && payloadHash !== opts.idempotency.payloadHash) {
        return { created: false, reason: "conflict", msgId };
      }
      if (await getMessage(db, m.org_id, msgId)) return { created: false, reason: "duplicate", msgId };
      // The key's writer died before storing its message: this copy stores it, under that id.
      msg = { ...m, id: msgId };
    }
  }
  if (opts.open) await openFanout(db, msg, opts.expiresAt);
  // A put applied whose answer was lost (a timeout, a 5xx after the write) is retried by the SDK
  // and refused on itself: read as another copy's, the publish answered `duplicate` and its tasks
  // waited for the lease check. The refusal's item tells: a new id's call alone writes it with no
  // mark; every other writer (an SQS record's id, a producer id's taken over) writes `lease_by`.
  const mark = opts.newId && msg.id === m.id ? undefined : newHolder();
  const item = {
    ...messageItem(msg, await shardPlanOf(db, msg.org_id), opts.expiresAt, opts.leaseUntil),
    ...(mark ? { lease_by: mark } : {}),
  };
  const put = () =>
    db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: item,
        ConditionExpression: "attribute_not_exists(pk)",
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
  try {
    await (opts.throttledOnce ? withoutThrottleRetries(put) : put());
  } catch (err) {
    // A shard over its throughput: the rule may raise the organization's shard count.
    if (isThrottle(err)) {
      await growShards(db, msg.org_id);
      if (opts.throttledOnce) throw new WriteThrottled(msg.org_id, { cause: err });
    }
    // Another error leaves the marker: the put may have landed, and the sweep finds out.
    if (!isConditionalCheckFailed(err)) throw err;
    if (!hasMark(refusedOn(err), "lease_by", mark)) {
      // Best effort: a marker left behind names a message that is not this writer's to finish,
      // which the sweep finds complete, or completes (at least once).
      if (opts.open) await closeFanout(db, msg).catch(() => undefined);
      return { created: false, reason: msg.id === m.id ? "exists" : "duplicate", msgId: msg.id };
    }
  }
  // (A copy that took over an earlier id leaves the skipped records out: theirs keys name its own id.)
  const extra = msg.id === m.id ? (opts.extra ?? []) : [];
  if (extra.length > 0) await putAll(db, extra);
  return msg.id === m.id ? { created: true } : { created: true, msgId: msg.id };
}

/**
 * Claims a producer id for `m`: undefined when claimed now, else the message id it was
 * first claimed for, and that payload's hash. TTL deletes lazily (up to days later): an
 * expired key counts as absent.
 */
async function claimIdempotencyKey(
  db: Db,
  m: StoredMessage,
  idem: NonNullable<CreateOptions["idempotency"]>,
): Promise<{ msgId: string; payloadHash?: string } | undefined> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: {
          ...keys.idempotency(m.org_id, idem.producerId),
          msg_id: m.id,
          payload_hash: idem.payloadHash,
          expires_at: idem.expiresAt,
        },
        ConditionExpression: "attribute_not_exists(pk) OR expires_at < :now",
        ExpressionAttributeValues: { ":now": idem.nowEpoch },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
    return undefined;
  } catch (err) {
    if (!isConditionalCheckFailed(err)) throw err;
    const old = refusedOn(err);
    const msgId = stringAttr(old, "msg_id");
    // This call's own new id: its claim, applied with its answer lost (the SDK's retry refused on it).
    if (msgId === m.id) return undefined;
    if (msgId) return { msgId, payloadHash: stringAttr(old, "payload_hash") };
    const first = await idempotencyClaim(db, m.org_id, idem.producerId);
    if (!first) throw err;
    return first;
  }
}

function stringAttr(item: Record<string, AttributeValue> | undefined, name: string): string | undefined {
  const v = item?.[name];
  return v && "S" in v ? v.S : undefined;
}

async function idempotencyClaim(
  db: Db,
  org: string,
  producerId: string,
): Promise<{ msgId: string; payloadHash?: string } | undefined> {
  const item = await getItem(db, keys.idempotency(org, producerId));
  if (typeof item?.msg_id !== "string") return undefined;
  return { msgId: item.msg_id, payloadHash: item.payload_hash as string | undefined };
}

export async function getMessage(db: Db, org: string, msgId: string): Promise<StoredMessage | undefined> {
  const item = await getItem(db, keys.message(org, msgId, await shardPlanOf(db, org)));
  return item ? toMessage(item) : undefined;
}

export type MessagePage = Page<StoredMessage>;

/** The cursor of a listing that stopped after `msgId` (the next page starts below it). */
const messageCursor = (org: string, msgId: string): CursorKey => ({
  pk: keys.messageListing(org),
  sk: msgId,
});

/**
 * Newest first, every shard merged; with `type`, only that type (a filter). `after`/`before`
 * bound the message ids' time (ULID prefix, epoch ms; `before` exclusive): a key range, so a
 * time filter reads only that range.
 */
export async function listMessages(
  db: Db,
  org: string,
  opts: { limit: number; type?: string; startKey?: CursorKey; after?: number; before?: number },
): Promise<MessagePage> {
  // The cursor is the last message id returned, scoped to the caller's organization.
  const scope = keys.messageListing(org);
  const cursor = cursorWithin(opts.startKey, { pk: scope }, { sk: "msg_" });
  const upper = opts.before === undefined ? "msg_\uffff" : `msg_${encodeTime(opts.before, 10)}`;
  const to = cursor?.sk !== undefined && cursor.sk < upper ? cursor.sk : upper;
  const from = opts.after === undefined ? "msg_" : `msg_${encodeTime(opts.after, 10)}`;
  if (to <= from) return { items: [], last: undefined }; // an empty range (DynamoDB refuses it)
  const { items, next } = await queryMerged(db, {
    pks: shardsBelow(await shardPlanOf(db, org), to).map((s) => keys.messagePartition(org, s)),
    from,
    to,
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
  return { items: items.map(toMessage), last: next === undefined ? undefined : { pk: scope, sk: next } };
}

/** Reading stored messages (the delivery engine's side: recovery, retries, the attempt log). */
export interface MessageStore {
  /** One message (a consistent read), or undefined once it expired. */
  get(org: string, msgId: string): Promise<StoredMessage | undefined>;
  /**
   * Heads of the messages created in [from, to) that target `endpointId`, newest first, at most
   * `limit` (core/store/message-scan.ts); `more` when the window holds more.
   */
  targeting(
    org: string,
    endpointId: string,
    q: { from: Date; to: Date; limit: number },
  ): Promise<{ items: MessageHead[]; more: boolean }>;
  /** A page of the organization's messages, newest first (listMessages: type and time filters). */
  list(org: string, q: MessageQuery): Promise<MessagePage>;
  /** The cursor of a listing that stopped after `msgId`. */
  cursorAfter(org: string, msgId: string): CursorKey;
  /** The ids of those of `ms` whose first fan-out is still open (core/store/open-fanouts.ts). */
  openAmong(ms: StoredMessage[]): Promise<Set<string>>;
}

/** What a listing of messages selects: `after`/`before` bound the ids' time (epoch ms). */
export interface MessageQuery {
  limit: number;
  type?: string;
  cursor?: CursorKey;
  after?: number;
  before?: number;
}

export function messageStore(db: Db): MessageStore {
  return {
    get: (org, msgId) => getMessage(db, org, msgId),
    targeting: (org, endpointId, { from, to, limit }) =>
      messagesTargeting(db, org, endpointId, { from, to }, limit),
    list: (org, { cursor, ...q }) => listMessages(db, org, { ...q, startKey: cursor }),
    cursorAfter: messageCursor,
    openAmong: (ms) => openAmong(db, ms),
  };
}
