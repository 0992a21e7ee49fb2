/**
 * Manual recovery: resend one delivery, or re-enqueue every recoverable delivery (failed,
 * skipped, abandoned) of an endpoint since a time. Both rebuild the task from the stored
 * message (the body is the same JSON the first attempt sent) and mark the delivery
 * `pending`, which also takes it out of the recovery index, so a second recover does not
 * send it twice.
 */
import type { Deps } from "../deps.js";
import { getEndpointOf } from "../endpoints/service.js";
import type { EndpointRecord } from "../model/endpoint.js";
import { conflict, notFound, validationError } from "../model/errors.js";
import { MAX_RECOVER_PER_CALL } from "../model/limits.js";
import { type DeliveryTask, taskFor, taskId } from "../model/task.js";
import { SendError } from "../queue/send.js";
import { enqueueTasks } from "../queue/tasks.js";
import { putAll } from "../store/batch-write.js";
import { deliveryItem, getDelivery, recoverableDeliveries } from "../store/deliveries.js";
import { ttlAfter } from "../store/keys.js";
import { getMessage } from "../store/messages.js";
import { deliveryRecordItem } from "./records.js";

function pendingItem(deps: Deps, task: DeliveryTask) {
  return deliveryRecordItem(deps, task, {
    status: "pending",
    attempts: 0,
    lastStatusCode: null,
    lastError: null,
    nextAttemptAt: null,
  });
}

function requireEnabled(endpoint: EndpointRecord): void {
  if (endpoint.status === "disabled") {
    throw conflict("endpoint_disabled", "the endpoint is disabled; enable it before sending to it again");
  }
}

/** Sends one message to one endpoint again (a new task with trigger "resend"). */
export async function resendDelivery(
  deps: Deps,
  org: string,
  msgId: string,
  endpointId: string,
): Promise<{ message_id: string; endpoint_id: string }> {
  const [message, endpoint] = await Promise.all([
    getMessage(deps.db, org, msgId),
    getEndpointOf(deps, org, endpointId),
  ]);
  if (!message) throw notFound("event");
  // Only an endpoint the event was meant for: a target, or one with a delivery record (skipped).
  const known =
    message.targets.includes(endpointId) ||
    (await getDelivery(deps.db, org, msgId, endpointId)) !== undefined;
  if (!known) throw notFound("delivery");
  requireEnabled(endpoint);
  const task = taskFor(message, endpointId, "resend");
  // Pending before the enqueue: written after, it could overwrite a quick attempt's result.
  await putAll(deps.db, [pendingItem(deps, task)]);
  await enqueueTasks(deps, [task]);
  return { message_id: msgId, endpoint_id: endpointId };
}

export interface RecoverResult {
  /** Deliveries re-enqueued. */
  count: number;
  /** Recoverable deliveries whose event has expired (nothing left to send). */
  expired: number;
  /** True when more remain than one call handles: call again with the same `since`. */
  more: boolean;
}

/** Re-enqueues every failed, skipped or abandoned delivery of the endpoint since `since`. */
export async function recoverEndpoint(
  deps: Deps,
  org: string,
  endpointId: string,
  since: string,
): Promise<RecoverResult> {
  const sinceMs = Date.parse(since);
  if (Number.isNaN(sinceMs)) throw validationError("since must be an ISO 8601 date-time");
  const endpoint = await getEndpointOf(deps, org, endpointId);
  requireEnabled(endpoint);
  const { deliveries, more } = await recoverableDeliveries(
    deps.db,
    org,
    endpointId,
    new Date(sinceMs).toISOString(),
    MAX_RECOVER_PER_CALL,
  );

  const messages = await mapLimit(deliveries, 16, (d) => getMessage(deps.db, org, d.msg_id));
  const tasks = messages.flatMap((m) => (m ? [taskFor(m, endpointId, "recover")] : []));
  const expired = deliveries.length - tasks.length;
  if (tasks.length === 0) return { count: 0, expired, more };
  // Pending first: written after the enqueue it could overwrite a quick attempt's result.
  await putAll(
    deps.db,
    tasks.map((t) => pendingItem(deps, t)),
  );
  let enqueued = tasks;
  try {
    await enqueueTasks(deps, tasks);
  } catch (err) {
    const sent = new Set(err instanceof SendError ? err.sentIds : []);
    enqueued = tasks.filter((t) => sent.has(taskId(t.msg_id, t.endpoint_id)));
    // What did not go out gets its recoverable record back, for the next call.
    const byMsg = new Map(deliveries.map((d) => [d.msg_id, d]));
    const restore = tasks.filter((t) => !sent.has(taskId(t.msg_id, t.endpoint_id)));
    await putAll(
      deps.db,
      restore.map((t) => {
        const d = byMsg.get(t.msg_id)!;
        return deliveryItem(d, ttlAfter(deps.now(), deps.config.retention.eventDays * 86_400));
      }),
    );
    if (enqueued.length === 0) throw err;
  }
  return { count: enqueued.length, expired, more: more || enqueued.length < tasks.length };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}
