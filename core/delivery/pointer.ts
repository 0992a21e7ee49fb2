/**
 * Retry schedules carry pointers, not payloads (docs/delivery.md): an EventBridge Scheduler
 * entry's input is the task without its body, so no event data or personal data sits in
 * scheduler configuration, and the input stays small whatever the event's size. When the
 * entry fires, the delivery function reads the body back from the stored message.
 */
import { createHash } from "node:crypto";
import type { Uses } from "../deps.js";
import {
  type DeliveryTask,
  type QueuedTask,
  type ScheduleEntry,
  scheduleName,
  webhookBody,
} from "../model/index.js";

/** The task as a scheduler entry carries it: everything but the body (which it may not have yet). */
export function pointerOf(task: Omit<QueuedTask, "log">): Omit<DeliveryTask, "body"> {
  const { body: _body, ...ids } = task;
  return ids;
}

/** The scheduler entry of a retry at `at`: a pointer, named uniquely per (delivery, attempt). */
export function retryEntry(task: Omit<QueuedTask, "log">, at: Date): ScheduleEntry {
  const digest = createHash("sha256")
    .update(`${task.org_id}\u0000${task.msg_id}\u0000${task.endpoint_id}`)
    .digest("hex");
  return {
    name: scheduleName("retry", String(task.attempt_base), digest.slice(0, 40)),
    at,
    target: "delivery",
    body: JSON.stringify(pointerOf(task)),
  };
}

/** The full task: as it came, or with its body rebuilt from the stored message (undefined: expired). */
export async function withBody(
  deps: Uses<"messageStore">,
  task: QueuedTask,
): Promise<DeliveryTask | undefined> {
  if (task.body !== undefined) return task as DeliveryTask;
  const m = await deps.messageStore.get(task.org_id, task.msg_id);
  return m ? { ...task, body: webhookBody(m) } : undefined;
}
