/**
 * The shared state of per-endpoint rate limits (core/delivery/rate-limit.ts): `rate_limit`
 * slots per endpoint, each holding the time (epoch ms) it is free again. A delivery leases a
 * free slot before its request and, once the request has completed, sets it free one second
 * later: every request on a slot reaches the receiver at least a second after the previous one.
 *
 * Slots live SLOTS_PER_ITEM to an item (RATE#{org}#{endpointId}#{shard} / RATE, attributes
 * `s0`…`s7`, and `h0`…`h7` while leased: the take holding it), so every read and write stays
 * under 1 KB (1 WCU, 0.5 RCU) and one endpoint's items share its load: at 500/s, 63 items of
 * about 16 writes/s each. Taking a slot is one conditional UpdateItem (free at or before now),
 * atomic across every delivery process; the items expire ten minutes after their last write
 * (TTL), longer than any lease.
 */
import { busyIfThrottled, getItem, newHolder, THROTTLED_MS, takeMarked, updateIf } from "./item.js";
import { keys } from "./keys.js";
import type { Db } from "./table.js";

export const SLOTS_PER_ITEM = 8;
/** An item outlives its last write by this much (a lease is at most ~2 min). */
const KEEP_SECONDS = 600;

/** One slot of one endpoint, where it is stored. */
interface RateSlotRef {
  org: string;
  endpointId: string;
  shard: number;
  slot: number;
}

const slotName = (slot: number) => `s${slot}`;
const holderName = (slot: number) => `h${slot}`;

/** When each slot of a shard is free again (epoch ms; 0 for a slot never used). */
async function readShard(db: Db, org: string, endpointId: string, shard: number): Promise<number[]> {
  const item = await getItem(db, keys.rateSlots(org, endpointId, shard));
  return Array.from({ length: SLOTS_PER_ITEM }, (_, i) => Number(item?.[slotName(i)] ?? 0));
}

/**
 * Leases the slot until `until` for `holder` if it is free at `now`; false when another take
 * holds it. Refused on its own holder, it holds it: the write was applied and its answer lost (a
 * timeout, a 5xx after the write), and the SDK's retry found the slot leased, by this take. Read
 * as busy, that slot was lost to the endpoint until its lease ended (up to its timeout + 5 s).
 * The refusal carries the item (no read on the hot path, where a refused lease is a race lost).
 */
function leaseSlot(db: Db, ref: RateSlotRef, w: SlotWanted, holder: string): Promise<boolean> {
  return takeMarked(db, holderName(ref.slot), holder, {
    Key: keys.rateSlots(ref.org, ref.endpointId, ref.shard),
    UpdateExpression: "SET #s = :until, #h = :holder, expires_at = :ttl",
    ConditionExpression: "attribute_not_exists(#s) OR #s <= :now",
    ExpressionAttributeNames: { "#s": slotName(ref.slot), "#h": holderName(ref.slot) },
    ExpressionAttributeValues: {
      ":until": w.until,
      ":holder": holder,
      ":now": w.now,
      ":ttl": Math.ceil(w.now / 1000) + KEEP_SECONDS,
    },
  });
}

/** Sets a leased slot free at `freeAt`, unless its lease ran out and another process took it. */
async function releaseSlot(db: Db, ref: RateSlotRef, lease: number, freeAt: number): Promise<void> {
  await updateIf(db, {
    Key: keys.rateSlots(ref.org, ref.endpointId, ref.shard),
    UpdateExpression: "SET #s = :free REMOVE #h",
    ConditionExpression: "#s = :lease",
    ExpressionAttributeNames: { "#s": slotName(ref.slot), "#h": holderName(ref.slot) },
    ExpressionAttributeValues: { ":free": freeAt, ":lease": lease },
  });
}

/** Which slot a delivery took, and its lease (to release it). */
export interface TakenSlot {
  slot: number;
  lease: number;
}

/** A take: one of the endpoint's `limit` slots, free at `now`, until `until`. */
type SlotWanted = {
  org: string;
  endpointId: string;
  limit: number;
  now: number;
  until: number;
  random: () => number;
};

/**
 * Takes a free slot (takeFreeSlot); a slot item DynamoDB throttles is busy for THROTTLED_MS
 * (item.ts `busyIfThrottled`): the caller defers the task as for busy slots (no request, no
 * attempt) rather than failing its record, which would keep any slot its caller took before
 * (the rate limit's, ahead of the trial's) until its lease ends. Seen in the simulation's
 * throttle-storm (issue #25): a trial slot's lease throttled.
 */
function takeSlot(db: Db, w: SlotWanted): Promise<TakenSlot | { freeAt: number }> {
  return busyIfThrottled(
    () => takeFreeSlot(db, w),
    () => ({ freeAt: w.now + THROTTLED_MS }),
  );
}

/**
 * Takes a free slot of the endpoint's `limit` until `until`: reads one item (chosen at
 * random, so concurrent processes spread over the items) and tries two of its free slots, then
 * one more item. Refused: when the earliest slot seen is free again (for the caller's memo).
 */
async function takeFreeSlot(db: Db, w: SlotWanted): Promise<TakenSlot | { freeAt: number }> {
  const shards = Math.ceil(w.limit / SLOTS_PER_ITEM);
  const first = Math.floor(w.random() * shards);
  const holder = newHolder();
  let earliest = Number.POSITIVE_INFINITY;
  for (let k = 0; k < Math.min(2, shards); k++) {
    const shard = (first + k) % shards;
    const inShard = Math.min(SLOTS_PER_ITEM, w.limit - shard * SLOTS_PER_ITEM);
    const freeAt = (await readShard(db, w.org, w.endpointId, shard)).slice(0, inShard);
    const free = freeAt.flatMap((t, i) => (t <= w.now ? [i] : []));
    for (const t of freeAt) if (t > w.now) earliest = Math.min(earliest, t);
    const start = Math.floor(w.random() * free.length);
    for (const i of [free[start], free[(start + 1) % free.length]].slice(0, Math.min(2, free.length))) {
      const ref = { org: w.org, endpointId: w.endpointId, shard, slot: i! };
      if (await leaseSlot(db, ref, w, holder)) return { slot: shard * SLOTS_PER_ITEM + i!, lease: w.until };
    }
  }
  return { freeAt: Number.isFinite(earliest) ? earliest : w.now };
}

const refOf = (org: string, endpointId: string, slot: number): RateSlotRef => ({
  org,
  endpointId,
  shard: Math.floor(slot / SLOTS_PER_ITEM),
  slot: slot % SLOTS_PER_ITEM,
});

/** The shared rate-limit slots (core/delivery/rate-limit.ts). */
export interface RateLimitStore {
  /** Takes one of the endpoint's `limit` slots, free at `now`, until `until`. */
  take(w: SlotWanted): Promise<TakenSlot | { freeAt: number }>;
  /** Frees a taken slot at `freeAt` (nothing if its lease ran out and another process took it). */
  release(w: { org: string; endpointId: string; taken: TakenSlot; freeAt: number }): Promise<void>;
}

export function rateLimitStore(db: Db): RateLimitStore {
  return {
    take: (w) => takeSlot(db, w),
    release: ({ org, endpointId, taken, freeAt }) =>
      releaseSlot(db, refOf(org, endpointId, taken.slot), taken.lease, freeAt),
  };
}
