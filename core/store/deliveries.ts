/**
 * The delivery log: one item per attempt or state change of one message at one endpoint,
 * in the endpoint's log partition (LOG#{org}#{endpointId}#{shard} / {msgId}#{itemId}).
 *
 * An attempt's item also carries the delivery's state after it (status, attempts, last
 * error, next attempt), so a successful first attempt is ONE item: the attempt log entry
 * and the delivery record at once. The state of a delivery is its latest item (the sort key
 * ends in a time-ordered id). Items are never rewritten, except to take a recovered
 * delivery out of the recovery index.
 *
 * Final failures (failed, abandoned) also carry the sparse recovery index keys (GSI2, keys
 * only), so `recover` finds them per endpoint and time without scanning; deliveries parked
 * for a disabled endpoint (skipped) carry the parked keys of the same index, which
 * re-enabling the endpoint resumes (core/endpoints/resume.ts).
 */
import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  type AttemptRecord,
  type DeliveryLogEntry,
  type DeliveryRecord,
  type DeliveryStatus,
  type LatestDelivery,
  newId,
  type RecoverableRef,
  type Waiter,
} from "../model/index.js";
import { putAll, writeAll } from "./batch-write.js";
import { field } from "./fields.js";
import { refOf } from "./index-ref.js";
import { keys, ttlAfter } from "./keys.js";
import { getMessage } from "./messages.js";
import { queryPages } from "./query.js";
import { type ShardPlan, shardsUpTo } from "./shard-plan.js";
import { plansOf, shardPlanOf } from "./shard-plans.js";
import type { Db } from "./table.js";
import { withoutThrottleRetries } from "./throttle-retries.js";
import { claimWaiter, releaseWaiter, type WaiterClaim, waiterOf, waitingDue } from "./waiting.js";

const RECOVERABLE: ReadonlySet<DeliveryStatus> = new Set(["failed", "abandoned"]);

/** Which GSI2 partitions to read: final failures, parked deliveries, or both. */
export type RecoveryIndex = "recoverable" | "parked";
const indexPk: Record<RecoveryIndex, (org: string, endpointId: string, shard: number) => string> = {
  recoverable: keys.recoverablePk,
  parked: keys.parkedPk,
};

function indexKeys(record: DeliveryRecord, plan: ShardPlan, waits: boolean) {
  // Indexed by when the delivery failed (or was parked), not by when its event was created:
  // `recover since = first_failure_at` must find an event created before its first failure.
  const { org_id, endpoint_id, updated_at, msg_id } = record;
  // A waiting retry by when it is due (core/delivery/waiting.ts).
  if (waits && record.status === "retrying" && record.next_attempt_at)
    return keys.waiting(org_id, endpoint_id, record.next_attempt_at, msg_id, plan);
  if (record.status === "skipped") return keys.parked(org_id, endpoint_id, updated_at, msg_id, plan);
  if (RECOVERABLE.has(record.status)) return keys.recoverable(org_id, endpoint_id, updated_at, msg_id, plan);
  return {};
}

/**
 * The item for a delivery's new state, with the attempt that led to it if there was one.
 * `id` orders the item among the delivery's others: by default the attempt's id, else a new id.
 */
export function deliveryItem(
  record: DeliveryRecord,
  plan: ShardPlan,
  expiresAt: number,
  attempt?: AttemptRecord,
  id?: string,
  waits = false,
): Record<string, unknown> {
  // Only the ULID part of the id lands in the sort key, so states and attempts interleave by time.
  const itemId = id ?? attempt?.id ?? newId("att", new Date(record.updated_at));
  return {
    ...keys.log(record.org_id, record.endpoint_id, record.msg_id, itemId, plan),
    ...indexKeys(record, plan, waits),
    ...record,
    ...(attempt ? { attempt: attemptFields(attempt) } : {}),
    expires_at: expiresAt,
  };
}

/** What an attempt adds to its item (the ids are the delivery record's). */
function attemptFields(a: AttemptRecord) {
  return {
    id: a.id,
    attempt: a.attempt,
    timestamp: a.timestamp,
    success: a.success,
    status_code: a.status_code,
    latency_ms: a.latency_ms,
    response_body: a.response_body,
    error: a.error,
    trigger: a.trigger,
  };
}

/** The delivery record an item holds (every log item carries one). */
function toDelivery(item: Record<string, unknown>): DeliveryRecord {
  return {
    org_id: field.str(item, "org_id"),
    msg_id: field.str(item, "msg_id"),
    endpoint_id: field.str(item, "endpoint_id"),
    event_type: field.str(item, "event_type"),
    status: field.status(item, "status"),
    attempts: field.num(item, "attempts"),
    last_status_code: field.numOrNull(item, "last_status_code"),
    last_error: field.strOrNull(item, "last_error"),
    next_attempt_at: field.strOrNull(item, "next_attempt_at"),
    created_at: field.str(item, "created_at"),
    updated_at: field.str(item, "updated_at"),
  };
}

/**
 * The latest item of each endpoint's delivery of a message, in `endpointIds` order (by
 * default the message's targets and skipped endpoints, read from the message).
 */
export async function deliveriesOfMessage(
  db: Db,
  org: string,
  msgId: string,
  endpointIds?: string[],
): Promise<DeliveryRecord[]> {
  const eps = endpointIds ?? (await endpointsOfMessage(db, org, msgId));
  const found = await Promise.all(eps.map((ep) => latestItem(db, org, msgId, ep)));
  return found.flatMap((item) => (item ? [toDelivery(item)] : []));
}

/** The latest item of one delivery (its state), or undefined. */
async function latestItem(db: Db, org: string, msgId: string, endpointId: string) {
  const range = keys.logOfDelivery(org, endpointId, msgId, await shardPlanOf(db, org));
  const res = await db.doc.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": range.pk, ":prefix": range.prefix },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  return res.Items?.[0];
}

/**
 * Recoverable deliveries of one endpoint that failed (or were parked) at or after `since`
 * (ISO, UTC), via the sparse GSI2 index, index by index (`indexes`) and shard by shard.
 */
async function recoverableDeliveries(
  db: Db,
  org: string,
  endpointId: string,
  since: string,
  max: number,
  indexes: RecoveryIndex[] = ["recoverable", "parked"],
): Promise<{ deliveries: RecoverableRef[]; more: boolean }> {
  const out: RecoverableRef[] = [];
  let more = false;
  // Indexed by failure time, not id time: every shard of the plan (a message fails after it is created).
  const shards = shardsUpTo(await shardPlanOf(db, org));
  const partitions = indexes.flatMap((i) => shards.map((shard) => indexPk[i](org, endpointId, shard)));
  for (const pk of partitions) {
    if (out.length > max) break;
    const pages = queryPages(db, () => ({
      IndexName: "GSI2",
      KeyConditionExpression: "gsi2pk = :pk AND gsi2sk >= :since",
      ExpressionAttributeValues: { ":pk": pk, ":since": since },
      Limit: Math.min(max + 1 - out.length, 1000),
    }));
    for await (const res of pages) {
      for (const item of res.Items ?? []) out.push(refOf(item, endpointId));
      if (res.LastEvaluatedKey && out.length > max) {
        more = true;
        break;
      }
    }
  }
  return { deliveries: out.slice(0, max), more: more || out.length > max };
}

/** Takes a recovered delivery's item out of the recovery index (or, `restore`, puts it back). */
async function setRecoverable(db: Db, org: string, ref: RecoverableRef, restore: boolean) {
  const index = keys.recoverable(org, ref.endpoint_id, ref.at, ref.msg_id, await shardPlanOf(db, org));
  await db.doc.send(
    new UpdateCommand({
      TableName: db.table,
      Key: ref.key,
      UpdateExpression: restore ? "SET gsi2pk = :pk, gsi2sk = :sk" : "REMOVE gsi2pk, gsi2sk",
      ConditionExpression: "attribute_exists(pk)",
      ...(restore ? { ExpressionAttributeValues: { ":pk": index.gsi2pk, ":sk": index.gsi2sk } } : {}),
    }),
  );
}

/** The endpoints a message went to: its targets and the endpoints skipped at fan-out. */
export async function endpointsOfMessage(db: Db, org: string, msgId: string): Promise<string[]> {
  const m = await getMessage(db, org, msgId);
  return m ? [...new Set([...m.targets, ...(m.skipped ?? [])])] : [];
}

/** The delivery log as services use it (the delivery engine, recovery, the events routes). */
export interface DeliveryStore {
  /** A delivery's state: its latest log entry (a consistent read), or undefined. */
  get(org: string, msgId: string, endpointId: string): Promise<DeliveryRecord | undefined>;
  /** The same read, with the latest entry's place (a task's copy check: core/delivery/policy/delivered.ts). */
  latest(org: string, msgId: string, endpointId: string): Promise<LatestDelivery | undefined>;
  /** The states of a message's deliveries, in `endpointIds` order (default: its targets and skipped). */
  ofMessage(org: string, msgId: string, endpointIds?: string[]): Promise<DeliveryRecord[]>;
  /**
   * Writes log entries in batches, each kept for the retention after its state's time;
   * throws the error of a failed call, or UnprocessedError (core/store/batch-write.ts).
   */
  write(entries: DeliveryLogEntry[]): Promise<void>;
  /**
   * Writes log entries like `write`, throttles retried with backoff, and never throws: returns
   * the entries that could still not be written (the delivery engine keeps them on the queue).
   * `once`: one call per 25, a throttle not retried (the caller has a better place to wait).
   */
  writeEach(entries: DeliveryLogEntry[], opts?: { once?: boolean }): Promise<DeliveryLogEntry[]>;
  /** The endpoint's recoverable and parked deliveries (or `indexes` alone) since `since` (ISO). */
  recoverable(
    org: string,
    endpointId: string,
    q: { since: string; max: number; indexes?: RecoveryIndex[] },
  ): Promise<{ deliveries: RecoverableRef[]; more: boolean }>;
  /** The recovery-index reference of a delivery whose latest entry is recoverable, if it is. */
  recoverableRef(org: string, msgId: string, endpointId: string): Promise<RecoverableRef | undefined>;
  /** Takes a recovered delivery out of the recovery index (or, `restore`, puts it back). */
  setRecoverable(org: string, ref: RecoverableRef, restore: boolean): Promise<void>;
  /** The endpoint's retries waiting in the table due by `until` (ISO): core/store/waiting.ts. */
  waitingDue(
    org: string,
    endpointId: string,
    q: { until: string; max: number },
  ): Promise<{ deliveries: RecoverableRef[]; more: boolean }>;
  /** The waiting retry `ref` names, while it is its delivery's latest state (`busy`: throttled). */
  waiter(org: string, ref: RecoverableRef): Promise<Waiter | undefined | "busy">;
  /** Claims a waiter for a run until `until` while no other claim runs at `now`: core/store/waiting.ts. */
  claimWaiter(org: string, ref: RecoverableRef, claim: WaiterClaim): Promise<boolean | "busy">;
  /** Ends a run's claim (its `until`) before its time. */
  releaseWaiter(org: string, ref: RecoverableRef, until: string): Promise<void>;
}

/** `retentionSeconds`: how long a log entry is kept after its state's time (TTL). */
export function deliveryStore(db: Db, { retentionSeconds }: { retentionSeconds: number }): DeliveryStore {
  const itemsOf = async (entries: DeliveryLogEntry[]) => {
    const plans = await plansOf(
      db,
      entries.map((e) => e.delivery.org_id),
    );
    return entries.map((e) =>
      deliveryItem(
        e.delivery,
        plans.get(e.delivery.org_id)!,
        ttlAfter(new Date(e.delivery.updated_at), retentionSeconds),
        e.attempt,
        e.id,
        e.waits === true,
      ),
    );
  };
  const latest: DeliveryStore["latest"] = async (org, msgId, endpointId) => {
    const item = await latestItem(db, org, msgId, endpointId);
    if (!item) return undefined;
    const sk = field.str(item, "sk");
    return { record: toDelivery(item), entry: sk.slice(sk.lastIndexOf("#") + 1) };
  };
  return {
    // One read of the latest entry for both: `get` is `latest` without the entry's place.
    get: async (org, msgId, endpointId) => (await latest(org, msgId, endpointId))?.record,
    latest,
    ofMessage: (org, msgId, endpointIds) => deliveriesOfMessage(db, org, msgId, endpointIds),
    write: async (entries) => putAll(db, await itemsOf(entries)),
    writeEach: async (entries, { once = false } = {}) => {
      const keyOf = (i: Record<string, unknown>) => `${String(i.pk)}\u0000${String(i.sk)}`;
      // The plans are read first: a read that fails leaves every entry unwritten, as a failed write would.
      const items = await itemsOf(entries).catch(() => undefined);
      if (!items) return entries;
      const byKey = new Map(items.map((item, i) => [keyOf(item), entries[i]!]));
      const { left } = await (once
        ? withoutThrottleRetries(() => writeAll(db, items, 0))
        : writeAll(db, items));
      return left.flatMap((i) => byKey.get(keyOf(i)) ?? []);
    },
    recoverable: (org, endpointId, q) =>
      recoverableDeliveries(db, org, endpointId, q.since, q.max, q.indexes),
    recoverableRef: async (org, msgId, endpointId) => {
      const item = await latestItem(db, org, msgId, endpointId);
      return item?.gsi2pk ? refOf(item, endpointId) : undefined;
    },
    setRecoverable: (org, ref, restore) => setRecoverable(db, org, ref, restore),
    waitingDue: (org, endpointId, q) => waitingDue(db, org, endpointId, q.until, q.max),
    waiter: (org, ref) => waiterOf(ref, () => latestItem(db, org, ref.msg_id, ref.endpoint_id)),
    claimWaiter: (org, ref, claim) => claimWaiter(db, org, ref, claim),
    releaseWaiter: (_org, ref, until) => releaseWaiter(db, ref, until),
  };
}
