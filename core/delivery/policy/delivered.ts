/**
 * Whether a task's delivery already succeeded (pure): its latest record is a success made by
 * more attempts than the task carries, so the task is a copy of one already answered 2xx (a
 * redelivery, or a second copy on the queues), not a new send. A resend or resume writes its
 * `pending` record when it enqueues, so its own task is never taken for a copy.
 */
import type { DeliveryRecord } from "../../model/index.js";
import type { Task } from "./effects.js";

export function deliveredAlready(
  current: DeliveryRecord | undefined,
  task: Pick<Task, "attempt_base">,
): boolean {
  return current?.status === "succeeded" && task.attempt_base < current.attempts;
}

/**
 * Whether a retry that waited (`due_at`: on the queue, or in the table for its endpoint's run,
 * core/delivery/waiting.ts) is a copy its delivery has moved past (pure): on its first receive,
 * the record shows the attempt it carries was made already (by another copy: a waiting run
 * retried after it had sent, a waiter its run could not take out of the index), so a second
 * request would repeat it. Such a copy is acknowledged, as a delivered one is.
 */
export function movedPast(current: DeliveryRecord | undefined, task: Pick<Task, "attempt_base">): boolean {
  if (deliveredAlready(current, task)) return true;
  return current !== undefined && current.status === "retrying" && current.attempts > task.attempt_base;
}
