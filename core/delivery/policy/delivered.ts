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
