/**
 * Fan-out: one delivery task per target endpoint on the delivery queue.
 *
 * Tasks go out 10 per SendMessageBatch, and after each successful chunk its endpoint ids
 * are appended to the message's `sent`. A redelivered or repeated event therefore only
 * sends what is missing; a crash between a send and its `sent` update can re-send that
 * chunk, which is the at-least-once contract (same task id, same webhook-id).
 */

import type { Deps } from "../deps.js";
import { endpointsOf } from "../endpoints/cache.js";
import { logger } from "../log/logger.js";
import type { EndpointRecord } from "../model/endpoint.js";
import { webhookBody } from "../model/message.js";
import type { DeliveryTask } from "../model/task.js";
import { SendError } from "../queue/send.js";
import { enqueueTasks } from "../queue/tasks.js";
import { scheduleName } from "../scheduler/scheduler.js";
import { deliveryItem, putDelivery } from "../store/deliveries.js";
import { ttlAfter } from "../store/keys.js";
import {
  acquireLease,
  claimFanout,
  type ExtraItem,
  getMessage,
  markSent,
  releaseLease,
  type StoredMessage,
} from "../store/messages.js";
import { fanoutCommandBody } from "./fanout-command.js";
import { type Matched, matchEndpoints } from "./match.js";

const CHUNK = 10;
/** EventBridge Scheduler fires at or shortly after the time; earlier than this is not a real firing. */
const EARLY_TOLERANCE_MS = 60_000;
/**
 * How long one invocation owns a message's sends (store/messages.ts acquireLease): longer
 * than an ingest or API invocation runs, shorter than the ingest queue's visibility timeout,
 * so a crashed invocation's redelivery always finds the lease lapsed.
 */
export const LEASE_MS = 30_000;
/** Delivery records written in the message's transaction; DynamoDB allows 100 items. */
const MAX_EXTRA_IN_TRANSACTION = 90;

/** Which endpoints get the event. `only` (test events) targets those endpoints whatever their subscription. */
export async function selectEndpoints(
  deps: Deps,
  m: Pick<StoredMessage, "org_id" | "type" | "agent_id">,
  only?: EndpointRecord[],
): Promise<Matched> {
  if (only) return { targets: only.filter((e) => e.status !== "disabled"), skipped: [] };
  return matchEndpoints(await endpointsOf(deps, m.org_id), m);
}

/** Retention of the message and its records: counted from when it is delivered. */
export function messageExpiry(deps: Deps, m: Pick<StoredMessage, "created_at" | "deliver_at">): number {
  const from = new Date(Math.max(Date.parse(m.created_at), m.deliver_at ? Date.parse(m.deliver_at) : 0));
  return ttlAfter(from, deps.config.retention.eventDays * 86_400);
}

/**
 * "skipped" delivery records for disabled endpoints, split into the ones written in the
 * message's own transaction and an overflow written afterwards (only with huge fan-outs).
 */
export function skippedItems(
  deps: Deps,
  m: StoredMessage,
  skipped: EndpointRecord[],
): { inline: ExtraItem[]; overflow: () => Promise<void> } {
  const now = deps.now().toISOString();
  const expiresAt = messageExpiry(deps, m);
  const records = skipped.map((ep) => ({
    org_id: m.org_id,
    msg_id: m.id,
    endpoint_id: ep.id,
    event_type: m.type,
    status: "skipped" as const,
    attempts: 0,
    last_status_code: null,
    last_error: "endpoint disabled",
    next_attempt_at: null,
    created_at: m.created_at,
    updated_at: now,
  }));
  const inline = records.slice(0, MAX_EXTRA_IN_TRANSACTION).map((r) => deliveryItem(r, expiresAt));
  const rest = records.slice(MAX_EXTRA_IN_TRANSACTION);
  return {
    inline,
    overflow: async () => {
      await Promise.all(rest.map((r) => putDelivery(deps.db, r, expiresAt)));
    },
  };
}

/** Sends the tasks of targets not yet in `sent`; returns how many were sent now. */
export async function sendPending(deps: Deps, m: StoredMessage): Promise<number> {
  const done = new Set(m.sent);
  const pending = [...new Set(m.targets)].filter((id) => !done.has(id));
  if (pending.length === 0) return 0;
  const body = webhookBody(m);
  const trigger = m.type === "webhook.test" ? "test" : "event";
  const tasks: DeliveryTask[] = pending.map((endpointId) => ({
    v: 1,
    org_id: m.org_id,
    msg_id: m.id,
    endpoint_id: endpointId,
    event_type: m.type,
    created_at: m.created_at,
    body,
    attempt_base: 0,
    trigger,
  }));
  const chunks: DeliveryTask[][] = [];
  for (let i = 0; i < tasks.length; i += CHUNK) chunks.push(tasks.slice(i, i + CHUNK));
  const results = await Promise.allSettled(chunks.map((chunk) => sendChunk(deps, m, chunk)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return pending.length;
}

async function sendChunk(deps: Deps, m: StoredMessage, chunk: DeliveryTask[]): Promise<void> {
  try {
    const sent = await enqueueTasks(deps, chunk);
    await markSent(deps.db, m.org_id, m.id, sent);
  } catch (err) {
    if (err instanceof SendError && err.sentIds.length > 0) {
      // Task ids are `{msg_id}:{endpoint_id}`: record what did go out before failing.
      const prefix = `${m.id}:`;
      await markSent(
        deps.db,
        m.org_id,
        m.id,
        err.sentIds.map((id) => id.slice(prefix.length)),
      );
    }
    throw err;
  }
}

export async function scheduleFanout(deps: Deps, m: Pick<StoredMessage, "org_id" | "id">, at: Date) {
  await deps.scheduler.schedule({
    name: scheduleName("fanout", m.id),
    at,
    target: "ingest",
    body: fanoutCommandBody(m.org_id, m.id),
  });
}

const isComplete = (m: StoredMessage) => {
  const sent = new Set(m.sent);
  return m.targets.every((t) => sent.has(t));
};

/** Sends what is missing while holding the lease; gives the lease up if sending fails. */
export async function sendUnderLease(deps: Deps, m: StoredMessage): Promise<void> {
  try {
    await sendPending(deps, m);
  } catch (err) {
    // Best effort: if this fails too, the lease lapses after LEASE_MS.
    await releaseLease(deps.db, m.org_id, m.id).catch(() => undefined);
    throw err;
  }
}

/**
 * Brings a stored message's fan-out to completion: decides the targets of a scheduled
 * message once it is due (or re-schedules it when it is not), then sends what is missing,
 * unless another invocation holds the send lease (it is sending right now).
 * Used by the scheduler's fan-out command and by repeated/redelivered events.
 */
export async function completeFanout(deps: Deps, org: string, msgId: string): Promise<void> {
  const m = await getMessage(deps.db, org, msgId);
  if (!m) {
    // Expired or never stored (a forged or stale command): nothing to fan out.
    logger.warn("fan-out of an unknown message ignored", { org_id: org, msg_id: msgId });
    return;
  }
  const now = deps.now().getTime();
  if (m.fanout_at === null) {
    const due = m.deliver_at ? Date.parse(m.deliver_at) : 0;
    if (due - now > EARLY_TOLERANCE_MS) {
      await scheduleFanout(deps, m, new Date(due));
      return;
    }
    const matched = await selectEndpoints(deps, m);
    const targets = matched.targets.map((e) => e.id);
    const fanoutAt = new Date(now).toISOString();
    const skipped = skippedItems(deps, m, matched.skipped);
    if (await claimFanout(deps.db, org, msgId, targets, fanoutAt, now + LEASE_MS, skipped.inline)) {
      await skipped.overflow();
      await sendUnderLease(deps, { ...m, targets, fanout_at: fanoutAt });
      return;
    }
    // A concurrent copy claimed it: it holds the lease, the lease path below defers to it.
  } else if (isComplete(m)) {
    return;
  }
  const fresh = await acquireLease(deps.db, org, msgId, now, now + LEASE_MS);
  if (!fresh || isComplete(fresh)) return;
  await sendUnderLease(deps, fresh);
}
