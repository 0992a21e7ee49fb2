/**
 * Fan-out: one delivery task per target endpoint on the delivery queue.
 *
 * Tasks go out 10 per SendMessageBatch (the tasks of several messages share calls). The
 * first, complete fan-out of a new event records nothing more (its message item is written
 * once, docs/cost.md): its send lease simply lapses. Any other pass records what went out in
 * the message's `sent`: what did go out when some task failed, all of it once complete. A
 * repeated or redelivered event whose message has no `sent` record and whose lease lapsed
 * sends the targets that have no delivery-log item yet (the first pass completed or died
 * part-way: either way nothing is lost, and a task still queued may go out twice, which is
 * the at-least-once contract: same task id, same webhook-id).
 */

import type { Uses } from "../deps.js";
import { countFiltered, type Matched, matchEndpoints, SKIP_REASONS } from "../filters/index.js";
import { logger } from "../log/index.js";
import {
  type DeliveryRecord,
  type DeliveryTask,
  type EndpointRecord,
  payloadState,
  type StoredMessage,
  scheduleName,
  taskFor,
  taskId,
  webhookBody,
} from "../model/index.js";
import { fanoutCommandBody } from "./fanout-command.js";
import { LEASE_MS, scheduleLeaseCheck } from "./lease.js";
import { enqueueInGroups } from "./task-groups.js";

export { LEASE_MS };

/** EventBridge Scheduler fires at or shortly after the time; earlier than this is not a real firing. */
const EARLY_TOLERANCE_MS = 60_000;

/** Which endpoints get the event. `only` (test events) targets those endpoints whatever their subscription. */
export async function selectEndpoints(
  deps: Uses<"endpoints">,
  m: Pick<StoredMessage, "org_id" | "type" | "agent_id">,
  only?: EndpointRecord[],
): Promise<Matched> {
  if (only) return { targets: only.filter((e) => e.status !== "disabled"), skipped: [] };
  return matchEndpoints(await deps.endpoints.list(m.org_id), m);
}

/**
 * "skipped" delivery records for the endpoints that get no task (disabled, or their filter
 * ran out of budget: `reasons`), written by the store with the message's retention.
 */
export function skippedRecords(
  m: StoredMessage,
  { skipped, skipReasons = {} }: Pick<Matched, "skipped" | "skipReasons">,
  now: Date,
): DeliveryRecord[] {
  return skipped.map((ep) => ({
    org_id: m.org_id,
    msg_id: m.id,
    endpoint_id: ep.id,
    event_type: m.type,
    status: "skipped" as const,
    attempts: 0,
    last_status_code: null,
    last_error: skipReasons[ep.id] ?? SKIP_REASONS.disabled,
    next_attempt_at: null,
    created_at: m.created_at,
    updated_at: now.toISOString(),
  }));
}

function pendingTasks(m: StoredMessage): DeliveryTask[] {
  const done = new Set(m.sent);
  const pending = [...new Set(m.targets)].filter((id) => !done.has(id));
  if (pending.length === 0) return [];
  const body = webhookBody(m);
  const trigger = m.type === "webhook.test" ? "test" : "event";
  return pending.map((endpointId) => taskFor(m, endpointId, trigger, body));
}

/**
 * Sends the missing tasks of messages whose send lease the caller holds, all together:
 * SendMessageBatch calls of 10 mix the messages' tasks. Then, per message:
 *
 * - every task out: the fan-out is recorded complete (`sent` = `targets`, lease given up), for
 *   all such messages together (store/message-fanout.ts markComplete: a BatchWriteItem per 25);
 * - some task still refused after the retries: what did go out is appended to `sent` and
 *   the lease is given up (one UpdateItem), and that message alone fails, so its retry
 *   sends only the rest.
 *
 * With `firstPass` (messages stored just now, this caller their creator) a complete fan-out
 * records nothing: see the top of this file. A message with nothing missing costs nothing.
 * Never throws; returns per message (in order) the error that failed it, if any.
 */
export async function sendUnderLeases(
  deps: Uses<"config" | "endpoints" | "fanoutStore" | "taskQueue">,
  ms: StoredMessage[],
  opts: { firstPass?: boolean } = {},
): Promise<(unknown | undefined)[]> {
  const errors: (unknown | undefined)[] = ms.map(() => undefined);
  const work = collectWork(ms, errors);
  if (work.length === 0) return errors;

  const report = await enqueueInGroups(
    deps,
    work.map((w) => w.m),
    work.flatMap((w) => w.tasks),
  );
  const failed = new Set(report.failed);
  const complete: Work[] = [];
  const partial: { w: Work; sent: string[] }[] = [];
  for (const w of work) {
    const sent = w.tasks
      .filter((t) => !failed.has(taskId(t.msg_id, t.endpoint_id)))
      .map((t) => t.endpoint_id);
    if (sent.length === w.tasks.length) complete.push(w);
    else partial.push({ w, sent });
  }
  await Promise.all([
    opts.firstPass ? undefined : recordComplete(deps, complete, errors),
    ...partial.map(({ w, sent }) => recordPartial(deps, w, sent, report.error, errors)),
  ]);
  return errors;
}

/** One message of a send and its missing tasks; `i` is its index in the caller's list. */
interface Work {
  i: number;
  m: StoredMessage;
  tasks: DeliveryTask[];
}

/** The messages with something to send; a message given twice fails its second copy. */
function collectWork(ms: StoredMessage[], errors: (unknown | undefined)[]): Work[] {
  const work: Work[] = [];
  const seen = new Set<string>();
  ms.forEach((m, i) => {
    const key = `${m.org_id}\u0000${m.id}`;
    if (seen.has(key)) {
      // The same message twice (a caller's slip): one copy sends, the other waits on the lease.
      errors[i] = new Error(`message ${m.id} appears twice in one send`);
      return;
    }
    seen.add(key);
    const tasks = pendingTasks(m);
    if (tasks.length > 0) work.push({ i, m, tasks });
  });
  return work;
}

/** Every task out: the fan-outs recorded complete together; a failed record gives its lease up. */
async function recordComplete(deps: Uses<"fanoutStore">, complete: Work[], errors: unknown[]) {
  if (complete.length === 0) return;
  const results = await deps.fanoutStore.markComplete(complete.map((w) => w.m));
  await Promise.all(
    complete.map(async (w, k) => {
      if (results[k] === undefined) return;
      errors[w.i] = results[k];
      // Best effort: if this fails too, the lease lapses after LEASE_MS.
      await deps.fanoutStore.releaseLease(w.m.org_id, w.m.id).catch(() => undefined);
    }),
  );
}

/** Some task refused: the message fails, after recording what did go out. */
async function recordPartial(
  deps: Uses<"fanoutStore">,
  w: Work,
  sent: string[],
  cause: unknown,
  errors: (unknown | undefined)[],
) {
  const unsent = w.tasks.length - sent.length;
  errors[w.i] = new Error(`SQS refused ${unsent} of the ${w.tasks.length} tasks of ${w.m.id} after retries`, {
    cause,
  });
  try {
    // Record what did go out before failing, so the retry sends only the rest.
    await deps.fanoutStore.markSent(w.m.org_id, w.m.id, sent, { release: true });
  } catch {
    await deps.fanoutStore.releaseLease(w.m.org_id, w.m.id).catch(() => undefined);
  }
}

export async function scheduleFanout(
  deps: Uses<"scheduler">,
  m: Pick<StoredMessage, "org_id" | "id">,
  at: Date,
) {
  await deps.scheduler.schedule({
    name: scheduleName("fanout", m.id),
    at,
    target: "ingest",
    body: fanoutCommandBody(m.org_id, m.id),
  });
}

/** Every target's task is recorded on the queue (`sent`). */
export const isComplete = (m: StoredMessage) => {
  const sent = new Set(m.sent);
  return m.targets.every((t) => sent.has(t));
};

/** Sends what is missing while holding the lease; gives the lease up if sending fails. */
export async function sendUnderLease(
  deps: Uses<"config" | "endpoints" | "fanoutStore" | "taskQueue">,
  m: StoredMessage,
  opts: { firstPass?: boolean } = {},
): Promise<void> {
  const [err] = await sendUnderLeases(deps, [m], opts);
  if (err !== undefined) throw err;
}

/** What completing a fan-out uses: the message, the claim and lease, matching, the queue, the scheduler. */
export type FanoutDeps = Uses<
  | "config"
  | "deliveryStore"
  | "endpoints"
  | "fanoutStore"
  | "filterCountStore"
  | "filterCounts"
  | "messageStore"
  | "now"
  | "scheduler"
  | "taskQueue"
>;

/**
 * Why a stored message is never fanned out (again), if it is not: an expired or erased payload
 * (a scheduled event erased before its time is never delivered; its pending tasks, if any, end
 * in that state in the delivery function), or an organization deleted since it was stored
 * (its data is being forgotten, as ingest refuses its new events: ingest.ts claimEvent).
 */
export async function notToSend(
  deps: Uses<"endpoints" | "now">,
  m: StoredMessage,
): Promise<string | undefined> {
  const state = payloadState(m, deps.now());
  if (state !== "available") return state;
  return (await deps.endpoints.deleted(m.org_id)) ? "organization deleted" : undefined;
}

/**
 * Brings a stored message's fan-out to completion: decides the targets of a scheduled
 * message once it is due (or re-schedules it when it is not), then sends what is missing,
 * unless another invocation holds the send lease (it is sending right now).
 * Used by the scheduler's fan-out command and by repeated/redelivered events.
 */
export async function completeFanout(deps: FanoutDeps, org: string, msgId: string): Promise<void> {
  const m = await deps.messageStore.get(org, msgId);
  if (!m) {
    // Expired or never stored (a forged or stale command): nothing to fan out.
    logger.warn("fan-out of an unknown message ignored", { org_id: org, msg_id: msgId });
    return;
  }
  const skipped = await notToSend(deps, m);
  if (skipped) {
    logger.info("fan-out skipped", { org_id: org, msg_id: msgId, reason: skipped });
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
    const skipped = skippedRecords(m, matched, new Date(now));
    const claim = { targets, fanoutAt, leaseUntil: now + LEASE_MS, skipped };
    if (await deps.fanoutStore.claim(m, claim)) {
      await countFiltered(deps, org, matched.filtered);
      const skippedIds = matched.skipped.map((e) => e.id);
      await sendUnderLease(deps, { ...m, targets, skipped: skippedIds, fanout_at: fanoutAt });
      return;
    }
    // A concurrent copy claimed it: it holds the lease, the lease path below defers to it.
  } else if (isComplete(m)) {
    return;
  }
  const fresh = await deps.fanoutStore.acquireLease(org, msgId, { now, until: now + LEASE_MS });
  if (!fresh) {
    await scheduleLeaseCheck(deps, org, msgId, now);
    return;
  }
  if (isComplete(fresh)) return;
  await sendUnderLease(deps, fresh.sent.length > 0 ? fresh : await withLoggedAsSent(deps, fresh));
}

/**
 * A message without a `sent` record (its first fan-out completed or died part-way): the
 * targets that already have a delivery-log item certainly got their task.
 */
async function withLoggedAsSent(deps: Uses<"deliveryStore">, m: StoredMessage): Promise<StoredMessage> {
  const logged = await Promise.all(
    m.targets.map(async (ep) => ((await deps.deliveryStore.get(m.org_id, m.id, ep)) ? ep : undefined)),
  );
  return { ...m, sent: logged.filter((ep): ep is string => ep !== undefined) };
}
