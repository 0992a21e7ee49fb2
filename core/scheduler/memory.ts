/**
 * The scheduler in memory (fast tests and the virtual-time simulation). With `precision:
 * "minute"` it keeps EventBridge Scheduler's rule (core/scheduler/eventbridge.ts): an entry
 * fires at the next whole minute at or after its time, never early. The caller fires due
 * entries (`fireDue`) as its clock moves; `nextDueAt` says when the next one is.
 */
import type { ScheduleEntry, Scheduler, TaskQueue } from "../model/index.js";
import { fireEntry, type MaintenanceRunner } from "./fire.js";

export interface MemoryScheduler extends Scheduler {
  /** Fires every entry due by `now` (earliest first); returns how many fired. */
  fireDue(now: Date, runMaintenance: MaintenanceRunner): Promise<number>;
  /** When the earliest pending entry fires (ms), if any. */
  nextDueAt(): number | undefined;
  entries(): ScheduleEntry[];
}

const MINUTE_MS = 60_000;

export function memoryScheduler(
  queue: Pick<TaskQueue, "send">,
  opts: { precision?: "exact" | "minute" } = {},
): MemoryScheduler {
  const pending = new Map<string, ScheduleEntry>();
  const fireAt = (e: ScheduleEntry) =>
    opts.precision === "minute" ? Math.ceil(e.at.getTime() / MINUTE_MS) * MINUTE_MS : e.at.getTime();
  return {
    async schedule(entry) {
      if (!pending.has(entry.name)) pending.set(entry.name, { ...entry });
    },
    async cancel(name) {
      pending.delete(name);
    },
    async fireDue(now, runMaintenance) {
      const due = [...pending.values()]
        .filter((e) => fireAt(e) <= now.getTime())
        .sort((a, b) => fireAt(a) - fireAt(b));
      for (const entry of due) {
        await fireEntry(queue, entry, runMaintenance);
        pending.delete(entry.name);
      }
      return due.length;
    },
    nextDueAt() {
      let next: number | undefined;
      for (const e of pending.values()) if (next === undefined || fireAt(e) < next) next = fireAt(e);
      return next;
    },
    entries: () => [...pending.values()],
  };
}
