/**
 * Retries waiting in the table (core/delivery/waiting.ts): a `retrying` log item whose wait is
 * longer than SQS holds a message carries the sparse GSI2 keys WAIT#{org}#{endpointId}#{s} /
 * {dueAt}#{msgId} (keys.ts), so the run of its endpoint's due minute reads, shard by shard,
 * every waiter due by then, and a run that never came is made up by the next one. A run claims a
 * waiter before it sends it (`claimWaiter`).
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { RecoverableRef, Waiter } from "../model/index.js";
import { field } from "./fields.js";
import { refOf } from "./index-ref.js";
import { busyIfThrottled, newHolder, takeMarked, updateIf } from "./item.js";
import { keys } from "./keys.js";
import { shardsUpTo } from "./shard-plan.js";
import { shardPlanOf } from "./shard-plans.js";
import type { Db } from "./table.js";

/** Up to `max` of the endpoint's waiting retries due at or before `until` (ISO), earliest first per shard. */
export async function waitingDue(
  db: Db,
  org: string,
  endpointId: string,
  until: string,
  max: number,
): Promise<{ deliveries: RecoverableRef[]; more: boolean }> {
  const out: RecoverableRef[] = [];
  let more = false;
  for (const shard of shardsUpTo(await shardPlanOf(db, org))) {
    if (out.length >= max) {
      more = true;
      break;
    }
    const res = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        IndexName: "GSI2",
        KeyConditionExpression: "gsi2pk = :pk AND gsi2sk <= :until",
        ExpressionAttributeValues: {
          ":pk": keys.waitingPk(org, endpointId, shard),
          ":until": `${until}#\uffff`,
        },
        Limit: max - out.length,
      }),
    );
    for (const item of res.Items ?? []) out.push(refOf(item, endpointId));
    if (res.LastEvaluatedKey) more = true;
  }
  return { deliveries: out, more };
}

/**
 * The waiter `ref` names, while its item is still the delivery's latest state (a later attempt,
 * a recover or a resend made it stale); `read` reads the delivery's latest item (consistent).
 * `busy`: the read was throttled. It is a run's take of the waiter as its claim is
 * (`claimWaiter`), and answers as the claim does (item.ts `busyIfThrottled`).
 */
export function waiterOf(
  ref: RecoverableRef,
  read: () => Promise<Record<string, unknown> | undefined>,
): Promise<Waiter | undefined | "busy"> {
  return busyIfThrottled(
    async () => waiterIn(ref, await read()),
    () => "busy" as const,
  );
}

function waiterIn(ref: RecoverableRef, latest: Record<string, unknown> | undefined): Waiter | undefined {
  if (!latest || latest.sk !== ref.key.sk || latest.status !== "retrying") return undefined;
  const attempt = latest.attempt as { trigger?: unknown } | undefined;
  const claimed = field.strOrNull(latest, "claimed_until");
  return {
    attempts: field.num(latest, "attempts"),
    event_type: field.str(latest, "event_type"),
    created_at: field.str(latest, "created_at"),
    trigger: typeof attempt?.trigger === "string" ? attempt.trigger : "event",
    ...(claimed ? { claimed_until: claimed } : {}),
  };
}

/** A run's claim: held until `until`, taken at `now` (ISO). */
export type WaiterClaim = { until: string; now: string };

/**
 * Claims a waiter for a run until `until` (ISO), only while its index entry is still where `ref`
 * read it and no other run's claim runs at `now`: true when this run holds it. The claim is an
 * attribute of the item (`claimed_until`), not its index sort key: moving the sort key past the
 * lease is two index writes per claim (the entry deleted and put again) on the endpoint's
 * `WAIT#` partitions, which its runs already load (dead-endpoint-3d at --k 0.1: 5,710 index
 * writes throttled instead of 61, 576 runs failed), where an attribute the keys-only index does
 * not hold is one write of the item alone. A claimed waiter stays in the runs' reads only until
 * its claimer takes it out of the index after the send, i.e. a failed removal (rare); a run
 * that reads one sees the claim on the item (`waiterOf`) and skips it, with no write. `busy`:
 * DynamoDB throttled the claim (item.ts `busyIfThrottled`), nothing claimed: a later run takes it.
 * A claim writes a mark of its own (`claimed_by`, left by a release: the next claim overwrites
 * it): refused on it, the claim is this run's (applied, its answer lost, the SDK's retry refused
 * on it), where the run left the waiter claimed and sent it from a run scheduled for the claim's
 * end, 5 min on. The refusal carries the item (`updateOrFound`): no read.
 */
export function claimWaiter(
  db: Db,
  org: string,
  ref: RecoverableRef,
  claim: WaiterClaim,
): Promise<boolean | "busy"> {
  return busyIfThrottled(
    () => claimIfDue(db, org, ref, claim),
    () => "busy" as const,
  );
}

async function claimIfDue(db: Db, org: string, ref: RecoverableRef, claim: WaiterClaim): Promise<boolean> {
  const index = keys.waiting(org, ref.endpoint_id, ref.at, ref.msg_id, await shardPlanOf(db, org));
  const mark = newHolder();
  return takeMarked(db, "claimed_by", mark, {
    Key: ref.key,
    UpdateExpression: "SET claimed_until = :until, claimed_by = :by",
    ConditionExpression:
      "gsi2pk = :pk AND gsi2sk = :sk AND (attribute_not_exists(claimed_until) OR claimed_until <= :now)",
    ExpressionAttributeValues: {
      ":pk": index.gsi2pk,
      ":sk": index.gsi2sk,
      ":until": claim.until,
      ":by": mark,
      ":now": claim.now,
    },
  });
}

/**
 * Ends a run's claim (`until`, as it claimed) early: the waiter is due again for any run. A
 * claim no longer this run's (its lease ended and another run claimed it) is left as it is.
 */
export async function releaseWaiter(db: Db, ref: RecoverableRef, until: string): Promise<void> {
  await updateIf(db, {
    Key: ref.key,
    UpdateExpression: "REMOVE claimed_until",
    ConditionExpression: "claimed_until = :until",
    ExpressionAttributeValues: { ":until": until },
  });
}
