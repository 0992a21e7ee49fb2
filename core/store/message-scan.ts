/**
 * Reading an organization's messages by creation time, for recovery: the messages created in
 * a window whose targets include one endpoint. A filter: every message of the window is read,
 * but only its id, targets and fan-out time come back (not the data).
 */
import { idTimeBound, type StoredMessage } from "../model/index.js";
import { keys } from "./keys.js";
import { shardsBelow } from "./shard-plan.js";
import { shardPlanOf } from "./shard-plans.js";
import { queryMerged } from "./shards.js";
import type { Db } from "./table.js";

export type MessageHead = Pick<StoredMessage, "id" | "fanout_at">;

/**
 * Messages created in [from, to) that target `endpointId`, newest first, at most `limit`;
 * `more` when the window holds more.
 */
export async function messagesTargeting(
  db: Db,
  org: string,
  endpointId: string,
  window: { from: Date; to: Date },
  limit: number,
): Promise<{ items: MessageHead[]; more: boolean }> {
  if (window.to.getTime() <= window.from.getTime()) return { items: [], more: false };
  const to = idTimeBound("msg", window.to);
  const { items, next } = await queryMerged(db, {
    pks: shardsBelow(await shardPlanOf(db, org), to).map((s) => keys.messagePartition(org, s)),
    from: idTimeBound("msg", window.from),
    to,
    limit,
    maxRounds: 100,
    filter: {
      FilterExpression: "contains(#targets, :ep)",
      ProjectionExpression: "pk, sk, #id, #fanout",
      ExpressionAttributeNames: { "#targets": "targets", "#id": "id", "#fanout": "fanout_at" },
      values: { ":ep": endpointId },
    },
  });
  const heads = items.map((i) => ({
    id: String(i.id),
    fanout_at: (i.fanout_at as string | undefined) ?? null,
  }));
  return { items: heads, more: next !== undefined };
}
