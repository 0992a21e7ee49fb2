/**
 * The local scheduler's entries (SCHEDULER_MODE=local): the table stands in for EventBridge
 * Scheduler's store. Entries are items in the table (see keys.ts); core/scheduler/local.ts
 * schedules and fires them. The contract is core/model/schedule.ts.
 */
import { DeleteCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { ScheduleEntry, ScheduleTarget } from "../model/index.js";
import { putIfAbsent } from "./item.js";
import { keys } from "./keys.js";
import type { Db } from "./table.js";

interface StoredEntry {
  pk: string;
  sk: string;
  target: ScheduleTarget;
  body: string;
  due_at: string;
}

export interface ScheduleStore {
  /** Stores an entry; one of that name already there is kept (scheduling is idempotent). */
  put(entry: ScheduleEntry): Promise<void>;
  /** Removes an entry (cancelled or fired); a no-op when there is none. */
  remove(name: string): Promise<void>;
  /** Up to `limit` entries due by `now`, earliest first. */
  due(now: Date, limit: number): Promise<ScheduleEntry[]>;
}

export function scheduleStore(db: Db): ScheduleStore {
  return {
    async put(entry) {
      const due = entry.at.toISOString();
      await putIfAbsent(db, {
        ...keys.schedule(entry.name),
        ...keys.scheduleDue(due, entry.name),
        target: entry.target,
        body: entry.body,
        due_at: due,
      });
    },
    async remove(name) {
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: keys.schedule(name) }));
    },
    async due(now, limit) {
      const res = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          IndexName: "GSI1",
          KeyConditionExpression: "gsi1pk = :pk AND gsi1sk <= :now",
          ExpressionAttributeValues: { ":pk": keys.scheduleDuePk, ":now": `${now.toISOString()}#\uffff` },
          Limit: limit,
        }),
      );
      return ((res.Items ?? []) as StoredEntry[]).map((item) => ({
        name: item.sk,
        at: new Date(item.due_at),
        target: item.target,
        body: item.body,
      }));
    },
  };
}
