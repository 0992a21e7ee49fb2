/**
 * The local scheduler (SCHEDULER_MODE=local): the table stands in for EventBridge Scheduler.
 * Entries are items in the table (see keys.ts), and `fireDueSchedules` (called by the local
 * poller) sends the due ones to their queue. The contract is core/model/schedule.ts.
 */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { DeleteCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Config } from "../config/index.js";
import type { ScheduleEntry, Scheduler, ScheduleTarget } from "../model/index.js";
import type { Db } from "./db.js";
import { putIfAbsent } from "./item.js";
import { keys } from "./keys.js";

interface StoredEntry {
  pk: string;
  sk: string;
  target: ScheduleTarget;
  body: string;
  due_at: string;
}

export function localScheduler(db: Db): Scheduler {
  return {
    async schedule(entry: ScheduleEntry) {
      const due = entry.at.toISOString();
      // An entry of that name is already there: scheduling is idempotent.
      await putIfAbsent(db, {
        ...keys.schedule(entry.name),
        ...keys.scheduleDue(due, entry.name),
        target: entry.target,
        body: entry.body,
        due_at: due,
      });
    },
    async cancel(name: string) {
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: keys.schedule(name) }));
    },
  };
}

/** Runs a `maintenance` entry; locally that is the scheduled-work handler called in-process. */
export type MaintenanceRunner = (event: unknown) => Promise<void>;

/** Sends every entry due by `now` to its queue (or runs it), then deletes it. Returns how many fired. */
export async function fireDueSchedules(
  db: Db,
  sqs: SQSClient,
  config: Config,
  now: Date,
  runMaintenance: MaintenanceRunner,
): Promise<number> {
  const res = await db.doc.send(
    new QueryCommand({
      TableName: db.table,
      IndexName: "GSI1",
      KeyConditionExpression: "gsi1pk = :pk AND gsi1sk <= :now",
      ExpressionAttributeValues: { ":pk": keys.scheduleDuePk, ":now": `${now.toISOString()}#\uffff` },
      Limit: 100,
    }),
  );
  const urls = { ingest: config.queues.ingest, delivery: config.queues.delivery };
  let fired = 0;
  for (const item of (res.Items ?? []) as StoredEntry[]) {
    if (item.target === "maintenance") await runMaintenance(JSON.parse(item.body));
    else await sqs.send(new SendMessageCommand({ QueueUrl: urls[item.target], MessageBody: item.body }));
    // Deleted after sending: a crash in between sends it again (at-least-once), which every
    // consumer tolerates; an entry cancelled meanwhile is simply gone.
    await db.doc.send(new DeleteCommand({ TableName: db.table, Key: { pk: item.pk, sk: item.sk } }));
    fired++;
  }
  return fired;
}
