/**
 * The lease of an endpoint's resume run (core/delivery/resume-run.ts): one small item per
 * endpoint (RESUME#{org}#{endpointId} / LEASE) holding who runs and until when (epoch ms).
 * Taking it is one conditional UpdateItem (free, or its lease over), so two runs of one
 * endpoint never read the same page of parked deliveries; a holder that crashed needs no
 * cleanup: its lease simply ends. The item expires (TTL) a while after its last lease.
 */
import { getItem, updateIf } from "./item.js";
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

/** Takes the lease until `until` if it is free at `now`; else when the holder's lease ends. */
export async function takeResumeLease(
  db: Db,
  lease: ResumeLease,
  { now, until }: { now: number; until: number },
): Promise<true | { until: number }> {
  const key = keys.resumeLease(lease.org, lease.endpointId);
  const taken = await updateIf(db, {
    Key: key,
    UpdateExpression: "SET lease_until = :until, holder = :holder, expires_at = :ttl",
    ConditionExpression: "attribute_not_exists(lease_until) OR lease_until <= :now",
    ExpressionAttributeValues: {
      ":until": until,
      ":holder": lease.holder,
      ":now": now,
      ":ttl": Math.ceil(until / 1000) + KEEP_SECONDS,
    },
  });
  if (taken) return true;
  const item = await getItem(db, key);
  // Freed between the two calls: the caller may try again at once.
  return { until: Number(item?.lease_until ?? now) };
}

/** Ends the lease at `now`, unless it ran out and another run holds it. */
export async function releaseResumeLease(db: Db, lease: ResumeLease, now: number): Promise<void> {
  await updateIf(db, {
    Key: keys.resumeLease(lease.org, lease.endpointId),
    UpdateExpression: "SET lease_until = :now",
    ConditionExpression: "holder = :holder",
    ExpressionAttributeValues: { ":now": now, ":holder": lease.holder },
  });
}
