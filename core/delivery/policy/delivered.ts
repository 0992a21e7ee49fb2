/**
 * Whether a task is a copy of a delivery that has moved on, so a request would repeat one
 * (pure): the handler reads the delivery's latest entry once and acknowledges such a copy
 * without a request (core/delivery/handler.ts `attemptNumber`; docs/delivery.md, "One resume run at a time").
 */
import { type DeliveryRecord, entryOrder, type LatestDelivery } from "../../model/index.js";
import type { Task } from "./effects.js";

/**
 * Whether a task's delivery already succeeded: its latest record is a success made by more
 * attempts than the task carries, so the task is a copy of one already answered 2xx (a
 * redelivery, or a second copy on the queues), not a new send. A resend or resume writes its
 * `pending` record once it has enqueued, so a redelivery of its task finds that record; its
 * first receive may come before it (`movedPast` sends it).
 */
export function deliveredAlready(
  current: DeliveryRecord | undefined,
  task: Pick<Task, "attempt_base">,
): boolean {
  return current?.status === "succeeded" && task.attempt_base < current.attempts;
}

/**
 * Whether a task, on its first receive, is a copy its delivery has moved past:
 * - delivered already (above);
 * - a retry that waited (`due_at`: on the queue, or in the table for its endpoint's run,
 *   core/delivery/waiting.ts) whose attempt another copy made (a waiting run retried after it
 *   had sent, a waiter its run could not take out of the index): the record is `retrying` with
 *   more attempts than the task carries;
 * - a re-enqueued task (`pending_entry`: a resend, a recover, a resume) whose delivery has an
 *   entry decided after its run's `pending` one, that is either another run's `pending` (that
 *   run's task is the one to send: two recovers, or a recover racing a resume) or records more
 *   attempts than the task carries (another copy made the attempt).
 * A task's own line never looks so: each attempt it makes is carried on as its `attempt_base`,
 * and only a run that enqueued a task writes a `pending` entry. A re-enqueued task whose latest
 * entry is its own `pending`, or older (its `pending` is written after the enqueue: pending.ts),
 * is sent whatever that entry says: its run sends again what it found, a success included (a
 * resend or a replay of a delivered event).
 */
export function movedPast(
  latest: LatestDelivery | undefined,
  task: Pick<Task, "attempt_base" | "due_at" | "pending_entry">,
): boolean {
  if (!latest) return false;
  const { record } = latest;
  const mine = task.pending_entry === undefined ? undefined : entryOrder(task.pending_entry);
  if (mine !== undefined && latest.entry <= mine) return false;
  if (deliveredAlready(record, task)) return true;
  const moreAttempts = record.attempts > task.attempt_base;
  if (task.due_at !== undefined && record.status === "retrying" && moreAttempts) return true;
  return mine !== undefined && (record.status === "pending" || moreAttempts);
}
