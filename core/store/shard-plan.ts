/**
 * How many shards one organization's messages (MSG#), delivery log (LOG#) and recovery
 * index (REC#, PARK#) are spread over: a plan of epochs, each from a time (`since`, epoch ms)
 * on, chosen by the time inside the message id (a ULID). Pure: the stored plan and its cache
 * are shard-plans.ts.
 *
 * Why epochs by id time and not a re-hash: a stored item never moves. An item's shard is
 * `fnv1a(id) % shards` of the epoch its id's time falls in, so once every writer knows an
 * epoch before its `since` (shard-plans.ts: raises start `table.shardRaiseLeadSeconds` after
 * they are made), the key an id was written under is the key every later reader computes.
 * A plan is append-only and its counts only go up, so the shards 0..n-1 of the latest epoch
 * that began by a range's end hold every item of the range: readers query those.
 */
import { decodeTime } from "ulid";
import { table } from "../config/index.js";

export interface ShardEpoch {
  /** Ids whose time (epoch ms) is at or after this use `shards`, until the next epoch. */
  since: number;
  shards: number;
}

/** Epochs by `since`, ascending; the first starts at 0; counts never go down. */
export type ShardPlan = readonly ShardEpoch[];

/**
 * The most shards a plan may reach: a listing page queries every shard of its range
 * (docs/scale.md, "Per-tenant ceilings"), so the count is also the cost of a read.
 */
export const MAX_SHARDS = 256;

/** Every organization's plan until an operator or the rule raises it: `table.shards` from the start. */
export const BASE_PLAN: ShardPlan = [{ since: 0, shards: table.shards }];

/** FNV-1a (32 bit) of a string: stable across processes and releases. */
export function fnv1a(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The time (epoch ms) in a sort key that starts with an id's prefix and ULID time
 * (`msg_01H…`, an id or a bound from idTimeBound), or `fallback` when it holds none.
 */
export function keyTime(key: string, fallback: number): number {
  const time = key.slice(key.indexOf("_") + 1, key.indexOf("_") + 11);
  if (time.length !== 10) return fallback;
  try {
    return decodeTime(`${time}${"0".repeat(16)}`);
  } catch {
    return fallback;
  }
}

/** The shard count of the epoch `ms` falls in. */
export function shardsAt(plan: ShardPlan, ms: number): number {
  let n = plan[0]?.shards ?? table.shards;
  for (const e of plan) if (e.since <= ms) n = e.shards;
  return n;
}

/** The shard of a message id (and of its log and index items). */
export function shardOf(plan: ShardPlan, id: string): number {
  return fnv1a(id) % shardsAt(plan, keyTime(id, 0));
}

/**
 * Every shard an item whose id time is at or before `lastMs` can be in (all of them without
 * a bound): the partitions a read of that range queries, one query each.
 */
export function shardsUpTo(plan: ShardPlan, lastMs = Number.POSITIVE_INFINITY): number[] {
  let n = plan[0]?.shards ?? table.shards;
  for (const e of plan) if (e.since <= lastMs) n = Math.max(n, e.shards);
  return Array.from({ length: n }, (_, i) => i);
}

/** The shards of a read of sort keys below `to` (an id, a time bound, or `msg_\uffff`: every shard). */
export const shardsBelow = (plan: ShardPlan, to: string): number[] =>
  shardsUpTo(plan, keyTime(to, Number.POSITIVE_INFINITY));

/**
 * The plan with a new epoch of `shards` from `since` on. Refused (RangeError) unless the
 * count is an integer above the plan's last and at most MAX_SHARDS, and `since` is after the
 * last epoch's start: a plan only grows, so no item ever has to move.
 */
export function raisedPlan(plan: ShardPlan, shards: number, since: number): ShardPlan {
  const last = plan[plan.length - 1] ?? BASE_PLAN[0]!;
  if (!Number.isInteger(shards) || shards <= last.shards || shards > MAX_SHARDS)
    throw new RangeError(`shards must be an integer above ${last.shards} and at most ${MAX_SHARDS}`);
  if (since <= last.since) throw new RangeError("a new epoch must start after the last one");
  return [...(plan.length ? plan : BASE_PLAN), { since, shards }];
}

/** How long after an epoch starts the rule waits before it may raise again: that epoch's effect shows first. */
export const GROW_SETTLE_MS = 10 * 60_000;

/**
 * The automatic rule, once DynamoDB refused a write of the organization's messages for
 * throughput (a shard over its ~1,000 write units/s): twice the shards, from `now + leadMs`
 * on. Nothing while an epoch is pending or began less than GROW_SETTLE_MS ago (the refused
 * write may be one of the last under the old count), nor past MAX_SHARDS.
 */
export function grownPlan(plan: ShardPlan, now: number, leadMs: number): ShardPlan | undefined {
  const last = plan[plan.length - 1] ?? BASE_PLAN[0]!;
  if (last.since > 0 && now < last.since + GROW_SETTLE_MS) return undefined;
  const shards = Math.min(MAX_SHARDS, last.shards * 2);
  return shards > last.shards ? raisedPlan(plan, shards, now + leadMs) : undefined;
}

/** A stored plan as read back (anything malformed is the base plan: never a crash on the write path). */
export function planOf(stored: unknown): ShardPlan {
  if (!Array.isArray(stored) || stored.length === 0) return BASE_PLAN;
  const epochs = stored.map((e) => ({ since: Number(e?.since), shards: Number(e?.shards) }));
  const ok = epochs.every(
    (e, i) =>
      Number.isFinite(e.since) &&
      Number.isInteger(e.shards) &&
      e.shards >= 1 &&
      (i === 0 || (e.since > epochs[i - 1]!.since && e.shards >= epochs[i - 1]!.shards)),
  );
  return ok ? epochs : BASE_PLAN;
}
