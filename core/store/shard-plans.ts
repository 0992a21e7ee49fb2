/**
 * Each organization's shard plan (shard-plan.ts) as stored, ORG#{org} / SHARDS, and as every
 * process reads it: once per organization every few minutes, not once per write.
 *
 * Why a cached plan is safe: a raise made at time `a` starts at `a + lead` (or later). A plan
 * read at `f` therefore knows every epoch that can start before `f + lead`, and is trusted
 * until `f + lead - margin`: the margin covers clock skew between processes and the delay of
 * an eventually consistent read. Every id a process writes or reads while it trusts the entry
 * has a time (its own clock, or an older SQS send time) before the next unseen epoch, so it
 * computes the shard that epoch's writers and readers compute. Every time here is the root's
 * clock (`db.now`, core/compose.ts), as everywhere else: virtual in the simulation and in tests.
 */
import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { table } from "../config/index.js";
import { loadsPer, lruPer } from "../lib/index.js";
import { logger } from "../log/index.js";
import { notFound } from "../model/index.js";
import { getItem } from "./item.js";
import { keys } from "./keys.js";
import { orgNotDeleted } from "./org-tombstone.js";
import { BASE_PLAN, grownPlan, planOf, raisedPlan, type ShardPlan } from "./shard-plan.js";
import type { Db } from "./table.js";
import { failedConditions, type TransactItems, transact } from "./transact.js";

/** How long after a raise its epoch starts (and the longest a process trusts a read plan). */
export const RAISE_LEAD_MS = table.shardRaiseLeadSeconds * 1000;
/** Clock skew between processes plus the delay of an eventually consistent read, with room to spare. */
export const CLOCK_MARGIN_MS = 60_000;

/**
 * One cache per table (a test's stack and the simulation's processes each have their own Db).
 * A plan is trusted from when its read started; the writes of a cold batch that miss together
 * share one read (core/lib/loads.ts), not one each before the first answers.
 */
const cacheOf = loadsPer<Db, ShardPlan>({ maxEntries: 10_000, ttlMs: RAISE_LEAD_MS - CLOCK_MARGIN_MS });

/** The organization's plan: from this process's cache while it is trusted, else one read (0.5 RCU). */
export function shardPlanOf(db: Db, org: string): Promise<ShardPlan> {
  return cacheOf(db).get(org, db.now().getTime(), async () => {
    const item = await getItem(db, keys.shardPlan(org), { consistent: false });
    return item ? planOf(item.epochs) : BASE_PLAN;
  });
}

/** The shard plans of the organizations of a batch, each looked up once. */
export async function plansOf(db: Db, orgs: string[]): Promise<Map<string, ShardPlan>> {
  const unique = [...new Set(orgs)];
  const plans = await Promise.all(unique.map((org) => shardPlanOf(db, org)));
  return new Map(unique.map((org, i) => [org, plans[i]!]));
}

/** The organization's plan as stored, read strongly consistent: what an operator's raise extends. */
export async function storedShardPlan(db: Db, org: string): Promise<ShardPlan> {
  const item = await getItem(db, keys.shardPlan(org));
  return item ? planOf(item.epochs) : BASE_PLAN;
}

/**
 * Appends an epoch of `shards` from `since` (epoch ms) on. `since` must leave every process
 * time to learn of it (the service passes now + RAISE_LEAD_MS); a test or a table with no
 * traffic yet may pass an earlier time. Returns the new plan, or undefined when another raise
 * was stored meanwhile (the caller reads again). Throws RangeError for a count or time the
 * plan refuses (raisedPlan), and 404 `organization` when the organization is deleted.
 */
export async function raiseShards(
  db: Db,
  org: string,
  shards: number,
  since: number,
): Promise<ShardPlan | undefined> {
  const item = await getItem(db, keys.shardPlan(org));
  const current = item ? planOf(item.epochs) : BASE_PLAN;
  const plan = raisedPlan(current, shards, since);
  const stored = await putUnlessOrgDeleted(db, org, {
    Item: { ...keys.shardPlan(org), epochs: plan, version: plan.length },
    // Append-only: the write holds only if the plan is still the one it extends.
    ConditionExpression: item ? "version = :v" : "attribute_not_exists(pk)",
    ...(item ? { ExpressionAttributeValues: { ":v": current.length } } : {}),
  });
  if (!stored) return undefined;
  // This process knows at once (the others within their trust window, before `since`).
  cacheOf(db).set(org, db.now().getTime(), plan);
  return plan;
}

/**
 * The plan's conditional put, in one transaction with the organization's tombstone check
 * (org-tombstone.ts): a raise in flight when the organization is deleted (the automatic rule
 * after a throttled write, or scripts/raise-shards.ts) either commits before the tombstone, and
 * the deletion then deletes the plan, or is refused, and never brings back the plan the
 * deletion removed. False when the put's own condition failed.
 */
async function putUnlessOrgDeleted(
  db: Db,
  org: string,
  put: Omit<NonNullable<TransactItems[number]["Put"]>, "TableName">,
): Promise<boolean> {
  try {
    await transact(db, () => [{ Put: { TableName: db.table, ...put } }, orgNotDeleted(db, org)]);
    return true;
  } catch (err) {
    const failed = failedConditions(err);
    if (failed.includes(1)) throw notFound("organization");
    if (failed.includes(0)) return false;
    throw err;
  }
}

/**
 * Deletes the organization's plan, with the organization (core/orgs/delete.ts): nothing of it is
 * written or read by shard again, and what is left expires with its retention.
 */
export async function deleteShardPlan(db: Db, org: string): Promise<void> {
  await db.doc.send(new DeleteCommand({ TableName: db.table, Key: keys.shardPlan(org) }));
  cacheOf(db).delete(org);
}

/** When this process last tried the rule per organization: every writer of a hot tenant is refused at once. */
const triedOf = lruPer<Db, number>({ maxEntries: 10_000, maxWeight: 10_000 });
const RETRY_MS = 60_000;

/**
 * The automatic rule (grownPlan) after a throttled message write: raises the plan at most
 * once per settle window whichever of the organization's writers gets there first (the
 * conditional append lets one win), tried at most once a minute per process. Best effort:
 * never throws (the write that was refused is retried by its caller anyway).
 */
export async function growShards(db: Db, org: string): Promise<ShardPlan | undefined> {
  const memo = triedOf(db);
  const now = db.now().getTime();
  if (now < (memo.get(org) ?? Number.NEGATIVE_INFINITY) + RETRY_MS) return undefined;
  memo.set(org, now, 1);
  try {
    const next = grownPlan(await shardPlanOf(db, org), now, RAISE_LEAD_MS)?.at(-1);
    if (!next) return undefined;
    const plan = await raiseShards(db, org, next.shards, next.since);
    if (plan) logger.warn("message shards raised after throttled writes", { org_id: org, ...next });
    return plan;
  } catch {
    // A plan raised meanwhile by another process (RangeError), the read throttled too, or the
    // organization deleted meanwhile (404: its plan stays deleted).
    return undefined;
  }
}
