/**
 * The lease of an endpoint's resume run (core/delivery/resume-run.ts): one small item per
 * endpoint (RESUME#{org}#{endpointId} / LEASE) holding who runs and until when (epoch ms), and
 * the time of the next run the last holder scheduled (`next_at`, its cover). Taking it is one
 * conditional UpdateItem (free, and no other run's cover ahead), so two runs of one endpoint
 * never read the same page of parked deliveries, and a run whose cause a scheduled run will
 * see anyway does not start a second chain of runs. A run refused while the lease is held asks
 * the holder (`asked`) instead of scheduling a run of its own: the holder learns of it as it
 * ends (`ended`), and covers it with its next run. A holder that crashed needs no cleanup:
 * its lease simply ends, and its cover was never written (it is written after its next run
 * was scheduled) or has passed. The item expires (TTL) a while after its last lease.
 */
import { busyIfThrottled, getItem, THROTTLED_MS, updateIf, updateReturning } from "./item.js";
import { keys } from "./keys.js";
import type { Db } from "./table.js";

/** The item outlives the lease it holds by this much (then DynamoDB's TTL deletes it). */
const KEEP_SECONDS = 3_600;

export interface ResumeLease {
  org: string;
  endpointId: string;
  /** Who holds it (one run). */
  holder: string;
}

/**
 * Why a run did not get the lease: `holder` holds it until `until` (no holder: it was freed
 * meanwhile, the caller may try again, or DynamoDB throttled the take: busy for THROTTLED_MS,
 * item.ts `busyIfThrottled`), or a run at `covered` will come.
 */
export type LeaseRefused = { until: number; holder?: string } | { covered: number };

/**
 * Takes the lease until `until` if it is free at `now` and no run of another chain is due
 * after `now` (the cover); `run` is the taker's own scheduled time, when it is the run the
 * cover names. Taking it clears the cover: the holder writes its own when it ends.
 */
export function takeResumeLease(
  db: Db,
  lease: ResumeLease,
  at: { now: number; until: number; run?: number },
): Promise<true | LeaseRefused> {
  return busyIfThrottled(
    () => takeOrSee(db, lease, at),
    () => ({ until: at.now + THROTTLED_MS }),
  );
}

/** The lease taken, or why not (a second read: who holds it, or the cover). */
async function takeOrSee(
  db: Db,
  lease: ResumeLease,
  { now, until, run }: { now: number; until: number; run?: number },
): Promise<true | LeaseRefused> {
  const key = keys.resumeLease(lease.org, lease.endpointId);
  const taken = await updateIf(db, {
    Key: key,
    UpdateExpression:
      "SET lease_until = :until, holder = :holder, expires_at = :ttl REMOVE next_at, asked, ended",
    ConditionExpression:
      "(attribute_not_exists(lease_until) OR lease_until <= :now) AND " +
      "(attribute_not_exists(next_at) OR next_at <= :now OR next_at = :run)",
    ExpressionAttributeValues: {
      ":until": until,
      ":holder": lease.holder,
      ":now": now,
      ":run": run ?? -1,
      ":ttl": Math.ceil(until / 1000) + KEEP_SECONDS,
    },
  });
  if (taken) return true;
  const item = await getItem(db, key);
  // Its own (a holder is one run's): the take was applied and its answer lost, and the SDK's
  // retry was refused on the lease it had taken. Read as held, the run asked itself and ended.
  if (item?.holder === lease.holder) return true;
  const held = Number(item?.lease_until ?? now);
  if (held > now) return { until: held, holder: String(item?.holder) };
  const next = Number(item?.next_at ?? now);
  // Freed between the two calls (until: now): the caller may try again at once.
  return next > now ? { covered: next } : { until: now };
}

/**
 * Ends the lease at `now`, unless it ran out and another run holds it (then that run answers
 * what was asked). `asked`: whether a run refused meanwhile asked this holder to cover it.
 */
export async function releaseResumeLease(
  db: Db,
  lease: ResumeLease,
  now: number,
): Promise<{ asked: boolean }> {
  const item = await updateReturning(db, {
    Key: keys.resumeLease(lease.org, lease.endpointId),
    UpdateExpression: "SET lease_until = :now, ended = :true",
    ConditionExpression: "holder = :holder",
    ExpressionAttributeValues: { ":now": now, ":holder": lease.holder, ":true": true },
  });
  return { asked: item?.asked === true };
}

/**
 * Asks the holder, while it runs, to cover a refused run's cause with a run after it ends: true
 * when the holder will see the ask (it has not ended; its release reads the ask atomically),
 * false when it has ended, another took the lease, or the ask was throttled (the caller
 * schedules a run itself). A
 * holder's end, not a clock, decides: two processes' clocks may disagree on when a lease ends.
 */
export function askResumeLease(db: Db, lease: ResumeLease): Promise<boolean> {
  const ask = () =>
    updateIf(db, {
      Key: keys.resumeLease(lease.org, lease.endpointId),
      UpdateExpression: "SET asked = :true",
      ConditionExpression: "holder = :holder AND attribute_not_exists(ended)",
      ExpressionAttributeValues: { ":holder": lease.holder, ":true": true },
    });
  // Throttled: not asked, so the caller schedules its own run, as when the holder has ended.
  return busyIfThrottled(ask, () => false);
}

/**
 * Records the next run the holder scheduled after its lease (`at`, epoch ms) as the cover,
 * unless another run took the lease since (that run, or the next one it schedules, covers).
 */
export async function coverResumeLease(db: Db, lease: ResumeLease, at: number): Promise<void> {
  await updateIf(db, {
    Key: keys.resumeLease(lease.org, lease.endpointId),
    UpdateExpression: "SET next_at = :at, expires_at = :ttl",
    ConditionExpression: "holder = :holder",
    ExpressionAttributeValues: {
      ":at": at,
      ":holder": lease.holder,
      ":ttl": Math.ceil(at / 1000) + KEEP_SECONDS,
    },
  });
}
