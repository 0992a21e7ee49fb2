/**
 * The local scheduler (SCHEDULER_MODE=local): entries wait in the table (core/store
 * schedules.ts, handed in as `entries`) and `fireDueSchedules`, called by the local stack's
 * poller once a second, sends the due ones to their queue. The contract is core/model/schedule.ts.
 */
import type { ScheduleEntry, Scheduler, TaskQueue } from "../model/index.js";
import { fireEntry, type MaintenanceRunner } from "./fire.js";

/** Where the local scheduler keeps its entries (core/store's scheduleStore on the table). */
export interface ScheduleEntries {
  put(entry: ScheduleEntry): Promise<void>;
  remove(name: string): Promise<void>;
  due(now: Date, limit: number): Promise<ScheduleEntry[]>;
}

export function localScheduler(entries: ScheduleEntries): Scheduler {
  return { schedule: (entry) => entries.put(entry), cancel: (name) => entries.remove(name) };
}

/** Sends every entry due by `now` to its queue (or runs it), then deletes it. Returns how many fired. */
export async function fireDueSchedules(
  deps: { scheduleStore: ScheduleEntries; taskQueue: Pick<TaskQueue, "send"> },
  now: Date,
  runMaintenance: MaintenanceRunner,
): Promise<number> {
  let fired = 0;
  for (const entry of await deps.scheduleStore.due(now, 100)) {
    await fireEntry(deps.taskQueue, entry, runMaintenance);
    // Deleted after sending: a crash in between sends it again (at-least-once), which every
    // consumer tolerates; an entry cancelled meanwhile is simply gone.
    await deps.scheduleStore.remove(entry.name);
    fired++;
  }
  return fired;
}
