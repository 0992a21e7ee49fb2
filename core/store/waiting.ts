/**
 * Retries waiting in the table (core/delivery/waiting.ts): a `retrying` log item whose wait is
 * longer than SQS holds a message carries the sparse GSI2 keys WAIT#{org}#{endpointId}#{s} /
 * {dueAt}#{msgId} (keys.ts), so the run of its endpoint's due minute reads, shard by shard,
 * every waiter due by then, and a run that never came is made up by the next one.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { RecoverableRef, Waiter } from "../model/index.js";
import { field } from "./fields.js";
import { refOf } from "./index-ref.js";
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
 * a recover or a resend made it stale); `latest` is the delivery's latest item (a consistent read).
 */
export function waiterOf(
  ref: RecoverableRef,
  latest: Record<string, unknown> | undefined,
): Waiter | undefined {
  if (!latest || latest.sk !== ref.key.sk || latest.status !== "retrying") return undefined;
  const attempt = latest.attempt as { trigger?: unknown } | undefined;
  return {
    attempts: field.num(latest, "attempts"),
    event_type: field.str(latest, "event_type"),
    created_at: field.str(latest, "created_at"),
    trigger: typeof attempt?.trigger === "string" ? attempt.trigger : "event",
  };
}
