/**
 * Open fan-out markers (OPEN#{n} / {createdAt}#{org}#{msgId}): one small item per event
 * whose first fan-out pass nobody has yet seen through, so a publish that died between
 * storing its event and enqueuing its tasks is found by the sweep (core/events/sweep.ts)
 * instead of waiting for a `recover`, and the event listing never calls it complete.
 *
 * The marker is put before the message (a crash between the two leaves a marker whose
 * message is missing: the sweep deletes it) and deleted once the tasks are on the queue (or
 * the fan-out is scheduled). A separate ~150-byte item, not attributes of the message item:
 * deleting it is 1 WRU whatever the event's size, where removing an attribute from the message
 * would rewrite the whole item (up to 256 WRU) and bill its index copy too (docs/cost.md).
 *
 * The partitions are shared by every organization, unlike tenant keys: only the sweep
 * queries them; an organization's reads name its own markers by exact key.
 */
import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { table } from "../config/index.js";
import { mapLimit } from "../lib/index.js";
import type { StoredMessage } from "../model/index.js";
import { getItem } from "./item.js";
import { keys } from "./keys.js";
import { queryPages } from "./query.js";
import type { Db } from "./table.js";

/** What the sweep reads of a marker: enough to find its message. */
export interface OpenFanout {
  org_id: string;
  msg_id: string;
  created_at: string;
}

type Marked = Pick<StoredMessage, "org_id" | "id" | "created_at">;

const keyOf = (m: Marked) => keys.openFanout(m.org_id, m.id, m.created_at);

/** Puts the marker of `m`, kept at most until the message itself expires (epoch seconds). */
export async function openFanout(db: Db, m: Marked, expiresAt: number): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.table,
      Item: { ...keyOf(m), org_id: m.org_id, msg_id: m.id, created_at: m.created_at, expires_at: expiresAt },
    }),
  );
}

/** Deletes the marker of `m` (nothing when it is gone already). */
export async function closeFanout(db: Db, m: Marked): Promise<void> {
  await db.doc.send(new DeleteCommand({ TableName: db.table, Key: keyOf(m) }));
}

/**
 * The open markers created before `before` (ISO time): of every partition, read together,
 * the oldest `perShard` ones.
 */
export async function openFanoutsBefore(db: Db, before: string, perShard: number): Promise<OpenFanout[]> {
  const shards = Array.from({ length: table.openFanoutShards }, (_, i) => i);
  return (await mapLimit(shards, 8, (s) => openOfShard(db, s, before, perShard))).flat();
}

async function openOfShard(db: Db, shard: number, before: string, limit: number): Promise<OpenFanout[]> {
  const out: OpenFanout[] = [];
  const pages = queryPages(db, () => ({
    KeyConditionExpression: "pk = :pk AND sk < :before",
    ExpressionAttributeValues: { ":pk": keys.openFanoutPk(shard), ":before": before },
    Limit: limit - out.length,
  }));
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      out.push({
        org_id: item.org_id as string,
        msg_id: item.msg_id as string,
        created_at: item.created_at as string,
      });
    }
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * The ids of those of `ms` whose fan-out is still open. Only a message whose `sent` is empty
 * can have one (a recorded `sent` says more): its marker is read by key, eventually
 * consistent (0.5 RRU each, under the message's own read).
 */
export async function openAmong(db: Db, ms: StoredMessage[]): Promise<Set<string>> {
  const candidates = ms.filter((m) => m.fanout_at !== null && m.sent.length === 0 && m.targets.length > 0);
  const found = await mapLimit(candidates, 16, async (m) =>
    (await getItem(db, keyOf(m), { consistent: false })) ? m.id : undefined,
  );
  return new Set(found.filter((id): id is string => id !== undefined));
}
