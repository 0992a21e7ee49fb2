/** What resend, recover and resume use (the API, the recover task, maintenance). */
export type RecoveryDeps = Uses<
  "config" | "now" | "taskQueue" | "scheduler" | "endpointStore" | "messageStore" | "deliveryStore"
>;

/**
 * Manual recovery: resend one delivery, or re-enqueue every recoverable delivery (failed,
 * skipped, abandoned, or stuck: see stuck.ts) of an endpoint since a time. Both rebuild the task from the stored
 * message (the body is the same JSON the first attempt sent) and mark the delivery
 * `pending`, taking it out of the recovery index, so a second recover does not send it twice.
 *
 * The `pending` items are built (their time-ordered ids taken) before the enqueue and
 * written after it: a quick attempt's item still sorts after them, so it stays the
 * delivery's state, and a task SQS refused leaves its delivery recoverable as it was. Each task
 * carries its `pending` id (pending.ts): two runs that read the same delivery before either
 * took it out of the index (two recovers, a recover and a resume) both enqueue it, and the
 * copy the delivery has moved past is acknowledged without a request (policy/delivered.ts).
 */
import type { Clock, Uses } from "../deps.js";
import { requireEndpoint } from "../endpoints/index.js";
import { mapLimit } from "../lib/index.js";
import {
  conflict,
  type DeliveryLogEntry,
  type DeliveryTask,
  type EndpointRecord,
  MAX_RECOVER_PER_CALL,
  notFound,
  payloadState,
  type RecoverableRef,
  type StoredMessage,
  taskFor,
  taskId,
  validationError,
} from "../model/index.js";
import { enqueueTasks, SendError } from "../queue/index.js";
import { liveRecoverable } from "./live-recoverable.js";
import { withPending } from "./pending.js";
import { deliveryEntry } from "./records.js";
import { stuckDeliveries } from "./stuck.js";

export function requireEnabled(endpoint: EndpointRecord): void {
  if (endpoint.status === "paused") {
    throw conflict(
      "endpoint_paused",
      "the endpoint is paused; resume it (status active) to send to it again",
    );
  }
  if (endpoint.status === "disabled") {
    throw conflict("endpoint_disabled", "the endpoint is disabled; enable it before sending to it again");
  }
}

/**
 * 409 for a resend of an event whose payload expired (its retention ran out, the item not yet
 * deleted by TTL) or was erased: nothing is left to send (docs/data.md).
 */
function requireAvailable(deps: Clock, m: StoredMessage): void {
  const state = payloadState(m, deps.now());
  if (state === "expired") {
    throw conflict("event_expired", "the event's payload passed its retention: nothing is left to send");
  }
  if (state === "erased")
    throw conflict("event_erased", "the event's payload was erased: nothing is left to send");
}

/** Sends one message to one endpoint again (a new task with trigger "resend"). */
export async function resendDelivery(
  deps: RecoveryDeps,
  org: string,
  msgId: string,
  endpointId: string,
): Promise<{ message_id: string; endpoint_id: string }> {
  const [message, endpoint] = await Promise.all([
    deps.messageStore.get(org, msgId),
    requireEndpoint(deps, org, endpointId),
  ]);
  if (!message) throw notFound("event");
  requireAvailable(deps, message);
  // Only an endpoint the event was meant for: a target, or one with a delivery record (skipped).
  const known =
    message.targets.includes(endpointId) ||
    (await deps.deliveryStore.get(org, msgId, endpointId)) !== undefined;
  if (!known) throw notFound("delivery");
  requireEnabled(endpoint);
  const { task, pending } = withPending(deps, taskFor(message, endpointId, "resend"));
  const ref = await deps.deliveryStore.recoverableRef(org, msgId, endpointId);
  await enqueueTasks(deps, [task]);
  await deps.deliveryStore.write([pending]);
  if (ref) await deps.deliveryStore.setRecoverable(org, ref, false);
  return { message_id: msgId, endpoint_id: endpointId };
}

export interface RecoverResult {
  /** Deliveries re-enqueued. */
  count: number;
  /**
   * Recoverable deliveries whose event's payload expired or was erased (nothing left to send):
   * each ends in that state and leaves the recovery index.
   */
  expired: number;
  /** True when more remain than one call handles: call again with the same `since`. */
  more: boolean;
}

export interface RecoverOptions {
  /** Only the parked ones (a resume after a re-enable). */
  parkedOnly?: boolean;
  /** At most this many (default and most: MAX_RECOVER_PER_CALL). */
  max?: number;
  /**
   * Only deliveries of events of these types (a type-scoped portal session): the others are
   * neither sent nor taken out of the recovery index.
   */
  eventTypes?: readonly string[];
  /** The tasks become visible after this many seconds (a resume's page, policy/resume-pace.ts). */
  delaySeconds?: number;
}

/**
 * Re-enqueues every failed, skipped (parked) or abandoned delivery of the endpoint since
 * `since`, and every stuck one (stuck.ts: pending or retrying long past its due time, or
 * never recorded).
 */
export async function recoverEndpoint(
  deps: RecoveryDeps,
  org: string,
  endpointId: string,
  since: string,
  { parkedOnly = false, eventTypes, max = MAX_RECOVER_PER_CALL, delaySeconds = 0 }: RecoverOptions = {},
): Promise<RecoverResult> {
  const sinceMs = Date.parse(since);
  if (Number.isNaN(sinceMs)) throw validationError("since must be an ISO 8601 date-time");
  const endpoint = await requireEndpoint(deps, org, endpointId);
  requireEnabled(endpoint);
  const from = new Date(sinceMs);
  const { deliveries, more: moreRecoverable } = await liveRecoverable(deps, org, endpointId, {
    since: from.toISOString(),
    max: Math.min(max, MAX_RECOVER_PER_CALL),
    ...(parkedOnly ? { indexes: ["parked"] } : {}),
  });
  const read = await mapLimit(deliveries, 16, (d) => deps.messageStore.get(org, d.msg_id));
  const inScope = (m: StoredMessage) => eventTypes === undefined || eventTypes.includes(m.type);
  const now = deps.now();
  const messages = read.map((m) => (m && payloadState(m, now) === "available" ? m : undefined));
  const expired = await endWithoutPayload(deps, org, deliveries, read, inScope);
  const work: Work[] = deliveries.flatMap((ref, i) => {
    const m = messages[i];
    return m && inScope(m) ? [workFor(deps, m, endpointId, ref)] : [];
  });
  const stuck = parkedOnly
    ? { messages: [], more: false }
    : await stuckDeliveries(deps, org, endpointId, from, MAX_RECOVER_PER_CALL - work.length);
  const taken = new Set(work.map((w) => w.task.msg_id));
  for (const m of stuck.messages) if (!taken.has(m.id) && inScope(m)) work.push(workFor(deps, m, endpointId));
  const more = moreRecoverable || stuck.more;
  if (work.length === 0) return { count: 0, expired, more };
  let sent = work;
  let failure: unknown;
  try {
    await enqueueTasks(
      deps,
      work.map((w) => w.task),
      delaySeconds,
    );
  } catch (err) {
    const ids = new Set(err instanceof SendError ? err.sentIds : []);
    sent = work.filter((w) => ids.has(taskId(w.task.msg_id, w.task.endpoint_id)));
    failure = err;
  }
  // What did not go out stays recoverable as it was, for the next call.
  await deps.deliveryStore.write(sent.map((w) => w.pending));
  await mapLimit(sent, 16, async (w) => (w.ref ? outOfIndex(deps, org, w.ref) : undefined));
  if (sent.length === 0) throw failure;
  return { count: sent.length, expired, more: more || sent.length < work.length };
}

/**
 * Recoverable deliveries whose payload is gone end in that state (`expired`, or `erased`) and
 * leave the recovery index, so the next recover does not count them again. An item already
 * deleted by TTL took its delivery records with it: it is only counted.
 */
async function endWithoutPayload(
  deps: RecoveryDeps,
  org: string,
  refs: RecoverableRef[],
  read: (StoredMessage | undefined)[],
  inScope: (m: StoredMessage) => boolean,
): Promise<number> {
  const now = deps.now();
  const gone = refs.flatMap((ref, i) => {
    const m = read[i];
    const state = m ? payloadState(m, now) : "expired";
    if (state === "available" || (m && !inScope(m))) return [];
    return [{ ref, m, state }];
  });
  const entries = await mapLimit(gone, 16, async ({ ref, m, state }) => {
    if (!m) return undefined;
    const before = await deps.deliveryStore.get(org, m.id, ref.endpoint_id);
    const task = { ...m, msg_id: m.id, endpoint_id: ref.endpoint_id, event_type: m.type };
    const what = state === "expired" ? "passed its retention" : "was erased";
    return deliveryEntry(deps, task, {
      status: state,
      attempts: before?.attempts ?? 0,
      lastStatusCode: before?.last_status_code ?? null,
      lastError: `the event's payload ${what}: nothing to re-send`,
      nextAttemptAt: null,
    });
  });
  await deps.deliveryStore.write(entries.filter((e) => e !== undefined));
  await mapLimit(gone, 16, async ({ ref, m }) => {
    if (m) await outOfIndex(deps, org, ref);
  });
  return gone.length;
}

interface Work {
  /** Its entry in the recovery index; none for a stuck delivery. */
  ref?: RecoverableRef;
  task: DeliveryTask;
  pending: DeliveryLogEntry;
}

function workFor(deps: Clock, m: StoredMessage, endpointId: string, ref?: RecoverableRef): Work {
  return { ...(ref ? { ref } : {}), ...withPending(deps, taskFor(m, endpointId, "recover")) };
}

async function outOfIndex(deps: Uses<"deliveryStore">, org: string, ref: RecoverableRef): Promise<void> {
  await deps.deliveryStore.setRecoverable(org, ref, false);
}
