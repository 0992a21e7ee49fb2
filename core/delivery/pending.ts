/**
 * What every run that re-enqueues a delivery (a resend, a recover, a resume, a replay) writes
 * for it: a `pending` log entry, its id taken before the enqueue and the entry written after
 * it (recovery.ts), and the task carrying that id (`pending_entry`), so its first receive can
 * tell whether the delivery has moved past it: another run re-enqueued it since, or another
 * copy made the attempt (policy/delivered.ts `movedPast`). Two runs racing send once.
 */
import type { Clock } from "../deps.js";
import type { DeliveryLogEntry, DeliveryTask } from "../model/index.js";
import { deliveryEntry } from "./records.js";

export function pendingEntry(deps: Clock, task: DeliveryTask): DeliveryLogEntry {
  return deliveryEntry(deps, task, {
    status: "pending",
    attempts: 0,
    lastStatusCode: null,
    lastError: null,
    nextAttemptAt: null,
  });
}

/** The task to enqueue, carrying the id of its `pending` entry, and that entry (to write once it is enqueued). */
export function withPending(
  deps: Clock,
  task: DeliveryTask,
): { task: DeliveryTask; pending: DeliveryLogEntry } {
  const pending = pendingEntry(deps, task);
  return { task: { ...task, pending_entry: pending.id }, pending };
}
