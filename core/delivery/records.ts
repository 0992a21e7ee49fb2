/** Delivery-log items the engine writes after each attempt (see core/store/deliveries.ts). */
import type { Deps } from "../deps.js";
import type { AttemptRecord, DeliveryRecord, DeliveryStatus } from "../model/delivery.js";
import type { DeliveryTask } from "../model/task.js";
import { deliveryItem } from "../store/deliveries.js";
import { ttlAfter } from "../store/keys.js";

export interface DeliveryUpdate {
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  /** The attempt that led to this state: stored in the same item. */
  attempt?: AttemptRecord;
}

export function deliveryRecordItem(
  deps: Deps,
  task: DeliveryTask,
  u: DeliveryUpdate,
): Record<string, unknown> {
  const now = deps.now();
  const record: DeliveryRecord = {
    org_id: task.org_id,
    msg_id: task.msg_id,
    endpoint_id: task.endpoint_id,
    event_type: task.event_type,
    status: u.status,
    attempts: u.attempts,
    last_status_code: u.lastStatusCode,
    last_error: u.lastError,
    next_attempt_at: u.nextAttemptAt ? u.nextAttemptAt.toISOString() : null,
    // The message's time: `recover since` selects by when the event happened.
    created_at: task.created_at,
    updated_at: now.toISOString(),
  };
  return deliveryItem(record, ttlAfter(now, deps.config.retention.eventDays * 86_400), u.attempt);
}
