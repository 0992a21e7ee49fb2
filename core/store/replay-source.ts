/**
 * What a replay task (core/delivery/replay.ts) goes through, one page at a time: an
 * endpoint's deliveries in the recovery index (`failed`: failed or abandoned; `skipped`:
 * parked while the endpoint was disabled), between two times, or (`all`) the organization's
 * messages created between them that were meant for the endpoint (a target, or skipped).
 * Shard by shard: the task's cursor is a partition's position in `partitions` and the key
 * where its next page starts. The index is keys only and `all` reads ids and types only, so
 * counting the items up front (the task's `total`) reads no event data.
 */
import { QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { type CursorKey, idTimeBound, type RecoverableRef } from "../model/index.js";
import { refOf } from "./index-ref.js";
import { keys } from "./keys.js";
import { shardsUpTo } from "./shard-plan.js";
import { CLOCK_MARGIN_MS, shardPlanOf } from "./shard-plans.js";
import type { Db } from "./table.js";

export type ReplayStatus = "failed" | "skipped" | "all";

export interface ReplayWindow {
  endpointId: string;
  /** ISO times: failed or parked at (`failed`, `skipped`), or created at (`all`), in [since, until). */
  since: string;
  until: string;
}

export interface ReplayItem {
  msg_id: string;
  /** Its entry in the recovery index, to take out once replayed (none for `all`). */
  ref?: RecoverableRef;
}

type Input = Omit<QueryCommandInput, "TableName" | "ExclusiveStartKey" | "Limit" | "Select">;

/** The query of one partition within the window. */
function queryOf(partition: string, w: ReplayWindow): Input {
  if (partition.startsWith("MSG#")) {
    return {
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
      FilterExpression: "contains(#targets, :ep) OR contains(#skipped, :ep)",
      ProjectionExpression: "pk, sk",
      ExpressionAttributeNames: { "#targets": "targets", "#skipped": "skipped" },
      ExpressionAttributeValues: {
        ":pk": partition,
        ":from": idTimeBound("msg", new Date(w.since)),
        ":to": idTimeBound("msg", new Date(w.until)),
        ":ep": w.endpointId,
      },
    };
  }
  return {
    IndexName: "GSI2",
    KeyConditionExpression: "gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to",
    ExpressionAttributeValues: { ":pk": partition, ":from": w.since, ":to": w.until },
  };
}

/**
 * The partitions of a window ending at `until`: the shards of messages created before it (the
 * recovery index is sorted by failure time: messages created up to a clock's skew later too).
 * A raise made after `until` starts later than that, so the list a task started with stays
 * the list its later steps compute (its cursor is a position in it).
 */
async function partitions(
  db: Db,
  org: string,
  endpointId: string,
  status: ReplayStatus,
  until: string,
): Promise<string[]> {
  const last = Date.parse(until) + (status === "all" ? 0 : CLOCK_MARGIN_MS);
  const shards = shardsUpTo(await shardPlanOf(db, org), Number.isNaN(last) ? undefined : last);
  const pk =
    status === "all"
      ? (s: number) => keys.messagePartition(org, s)
      : status === "failed"
        ? (s: number) => keys.recoverablePk(org, endpointId, s)
        : (s: number) => keys.parkedPk(org, endpointId, s);
  return shards.map(pk);
}

async function page(
  db: Db,
  partition: string,
  w: ReplayWindow,
  start: CursorKey | undefined,
  limit: number,
): Promise<{ items: ReplayItem[]; next?: CursorKey }> {
  const res = await db.doc.send(
    new QueryCommand({
      ...queryOf(partition, w),
      TableName: db.table,
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  const items = (res.Items ?? []).map((i) =>
    partition.startsWith("MSG#")
      ? { msg_id: String(i.sk) }
      : ((r) => ({ msg_id: r.msg_id, ref: r }))(refOf(i, w.endpointId)),
  );
  return { items, ...(res.LastEvaluatedKey ? { next: res.LastEvaluatedKey as CursorKey } : {}) };
}

async function count(db: Db, partition: string, w: ReplayWindow): Promise<number> {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const { ProjectionExpression: _p, ...input } = queryOf(partition, w);
    const res = await db.doc.send(
      new QueryCommand({ ...input, TableName: db.table, Select: "COUNT", ExclusiveStartKey: start }),
    );
    n += res.Count ?? 0;
    start = res.LastEvaluatedKey;
  } while (start);
  return n;
}

/** What the replay task reads. */
export interface ReplaySource {
  /** The partitions a replay of a window ending at `until` (ISO) goes through, in order. */
  partitions(org: string, endpointId: string, status: ReplayStatus, until: string): Promise<string[]>;
  /** One page (at most `limit` items read) of a partition from `start`; `next` while more remain. */
  page(
    partition: string,
    w: ReplayWindow,
    start: CursorKey | undefined,
    limit: number,
  ): Promise<{ items: ReplayItem[]; next?: CursorKey }>;
  /** How many items the partition holds in the window (every page read, COUNT only). */
  count(partition: string, w: ReplayWindow): Promise<number>;
}

export function replaySource(db: Db): ReplaySource {
  return {
    partitions: (org, endpointId, status, until) => partitions(db, org, endpointId, status, until),
    page: (partition, w, start, limit) => page(db, partition, w, start, limit),
    count: (partition, w) => count(db, partition, w),
  };
}
