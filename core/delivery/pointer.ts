/**
 * Tasks as pointers, not payloads (docs/delivery.md): the task without its body, which the
 * delivery function reads back from the stored message when it makes a request. A task going
 * round the queue larger than a billing chunk goes so (execute.ts), as do log entries kept on
 * the queue (log-writes.ts) and retries a scheduler entry of an earlier version still holds.
 */
import type { Uses } from "../deps.js";
import {
  type DeliveryTask,
  type PayloadState,
  payloadState,
  type QueuedTask,
  webhookBody,
} from "../model/index.js";

/** The task as a scheduler entry carries it: everything but the body (which it may not have yet). */
export function pointerOf(task: Omit<QueuedTask, "log">): Omit<DeliveryTask, "body"> {
  const { body: _body, ...ids } = task;
  return ids;
}

/** Why a task has nothing to send: its payload passed its retention, or was erased. */
export type Gone = { gone: Exclude<PayloadState, "available"> };

/**
 * The full task: as it came, or with its body rebuilt from the stored message; or why there
 * is nothing to send (docs/data.md). The one place a delivery learns its payload is gone, by
 * one rule (`payloadState`): first on what the task carries (its `expires_at`: no read), then,
 * when the body must be read back or the event has a data subject (`erasable`: an erasure
 * stops it even though it carries its body), on the stored event. What a gone payload means
 * for the delivery is the policy's (policy/payload.ts).
 */
export async function withBody(
  deps: Uses<"messageStore" | "now">,
  task: QueuedTask,
): Promise<DeliveryTask | Gone> {
  const now = deps.now();
  const carried = payloadState(task, now);
  if (carried !== "available") return { gone: carried };
  if (task.body !== undefined && task.erasable !== true) return task as DeliveryTask;
  const m = await deps.messageStore.get(task.org_id, task.msg_id);
  // Deleted by its TTL: expired.
  const state = m ? payloadState(m, now) : "expired";
  if (state !== "available") return { gone: state };
  return { ...task, body: task.body ?? webhookBody(m!) };
}
