/**
 * The delivery task: one SQS message on the delivery queue per (message, endpoint).
 * Its id is deterministic (`{msg_id}:{endpoint_id}`), so a re-sent task is recognisably
 * the same delivery, and `webhook-id` (= msg_id) is the same on every attempt.
 */
import * as z from "zod";
import { deliveryTask } from "./client.js";
import type { DeliveryLogEntry } from "./delivery.js";
import { type MessageRecord, webhookBody } from "./message.js";

export { deliveryTask };
export type DeliveryTask = z.infer<typeof deliveryTask>;

/**
 * What a queue message may carry: a task, or a retry scheduled beyond 15 min, which carries
 * ids only (no payload in scheduler configuration): the delivery function reads the body
 * back from the stored message (core/delivery/pointer.ts).
 */
export const queuedTask = deliveryTask.extend({
  body: z.string().optional(),
  /**
   * Not to be tried before this time (ISO): a retry waiting on the queue, re-sent with delays of
   * at most 15 min until then, because the scheduler could not take it (core/delivery/execute.ts).
   */
  due_at: z.string().datetime({ offset: true }).optional(),
  /**
   * A delivery-log entry the batch that made the attempt could not write (DynamoDB throttled it
   * past the retries): the message carries it until it is written, and makes no request, so
   * neither the log nor recovery loses sight of an attempt that was made (core/delivery/log-writes.ts).
   */
  log: z.custom<DeliveryLogEntry>((v) => typeof v === "object" && v !== null && "id" in v).optional(),
});
export type QueuedTask = z.infer<typeof queuedTask>;

export const taskId = (msgId: string, endpointId: string) => `${msgId}:${endpointId}`;

/** The first task (attempt_base 0) delivering `m` to one endpoint. Pass `body` when many tasks share it. */
export function taskFor(
  m: Pick<
    MessageRecord,
    "org_id" | "id" | "type" | "created_at" | "agent_id" | "data" | "expires_at" | "subject" | "traceparent"
  >,
  endpointId: string,
  trigger: DeliveryTask["trigger"],
  body: string = webhookBody(m),
): DeliveryTask {
  return {
    v: 1,
    org_id: m.org_id,
    msg_id: m.id,
    endpoint_id: endpointId,
    event_type: m.type,
    created_at: m.created_at,
    body,
    attempt_base: 0,
    trigger,
    ...(m.expires_at !== undefined ? { expires_at: m.expires_at } : {}),
    ...(m.subject !== undefined ? { erasable: true } : {}),
    ...(m.traceparent !== undefined ? { traceparent: m.traceparent } : {}),
  };
}
