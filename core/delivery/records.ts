/** Delivery-log entries the engine writes after each attempt (core/store/deliveries.ts keeps them). */
import type { Clock } from "../deps.js";
import {
  type AttemptRecord,
  type DeliveryLogEntry,
  type DeliveryRecord,
  type DeliveryStatus,
  type DeliveryTask,
  newId,
} from "../model/index.js";

export interface DeliveryUpdate {
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  /** The attempt that led to this state: stored in the same entry. */
  attempt?: AttemptRecord;
}

export function deliveryEntry(
  deps: Clock,
  task: Pick<DeliveryTask, "org_id" | "msg_id" | "endpoint_id" | "event_type" | "created_at">,
  u: DeliveryUpdate,
): DeliveryLogEntry {
  const now = deps.now();
  const delivery: DeliveryRecord = {
    org_id: task.org_id,
    msg_id: task.msg_id,
    endpoint_id: task.endpoint_id,
    event_type: task.event_type,
    status: u.status,
    attempts: u.attempts,
    last_status_code: u.lastStatusCode,
    last_error: u.lastError,
    next_attempt_at: u.nextAttemptAt ? u.nextAttemptAt.toISOString() : null,
    // The message's time (`recover since` selects by `updated_at`, when the delivery failed).
    created_at: task.created_at,
    updated_at: now.toISOString(),
  };
  // The id is taken now, when the state is decided: an entry written later (recovery writes
  // after the enqueue) still sorts before the attempts that follow it.
  const id = u.attempt?.id ?? newId("att", now);
  return { id, delivery, ...(u.attempt ? { attempt: u.attempt } : {}) };
}
