/**
 * The one executor of the delivery policy's effects (policy/effects.ts): what a batch's records
 * were decided to do, carried out once after every record was decided (the effects a record
 * needs at once, its send's gates and a move to the slow lane, are execute-now.ts's):
 * - delivery-log items (an attempt and the state it leads to are one item): BatchWriteItem;
 * - endpoint health: at most one update per endpoint per batch (which may open its breaker);
 * - `disable` (410 Gone, an AWS target deleted): the endpoint disabled;
 * - re-sends (parked tasks, retries waiting 1-15 min, moves to the slow lane): one
 *   SendMessageBatch per 10, with DelaySeconds, so the wait is not held in flight;
 * - longer waits: in the table, one scheduler entry per endpoint and due minute (waiting.ts),
 *   within this process's share of the quota (else the task waits on the queue, re-sent hop by
 *   hop until it is due); exhausted retries and invalid tasks: the DLQ;
 * - short waits: ChangeMessageVisibilityBatch, the records reported in batchItemFailures.
 * Returns the message ids to report as failures (kept on the queue).
 */
import type { SQSRecord } from "aws-lambda";
import { SQS_MAX_VISIBILITY_SECONDS } from "../config/index.js";
import type { Clock } from "../deps.js";
import { logger } from "../log/index.js";
import type { DeliveryLogEntry, EndpointRecord } from "../model/index.js";
import { emitOperational, endpointDisabled, messageDeadLettered } from "../operational/index.js";
import { type DeadLetter, deadLetter, taskMessage } from "../queue/index.js";
import type { AttemptResult } from "./attempt.js";
// The delivery handler's context (context.ts), short: every step of the batch takes it.
import type { DeliveryContext as Ctx } from "./context.js";
import { applyHealth, flushHeldHealth, type HealthObservation } from "./health.js";
import { keyOf } from "./health-held.js";
import { type LogWrite, writeLog } from "./log-writes.js";
import { parkOf, writeParks } from "./park-writes.js";
import { pointerOf } from "./pointer.js";
import {
  type Effect,
  effectOf,
  type Lane,
  type QueueEffect,
  queueEffect,
  type Resend,
  type Task,
} from "./policy/effects.js";
import type { Disable } from "./policy/stop.js";
import { deliveryEntry } from "./records.js";
import { scheduleWaiting, unindexWaiter } from "./waiting.js";

export interface Processed {
  record: SQSRecord;
  /** Unexpected error: leave the record on the queue untouched (back after the queue's timeout). */
  fail?: boolean;
  /** Not a task: dead-lettered with this reason. */
  invalid?: string;
  /** The task as decided on (a pointer, without its body, unless a request was made). */
  task?: Task;
  endpoint?: EndpointRecord;
  /** What the policy decided for it (policy/effects.ts), carried out here. */
  effects?: Effect[];
  result?: AttemptResult;
  /** A delivery-log entry an earlier batch could not write, carried by this message (log-writes.ts). */
  log?: DeliveryLogEntry;
  /** Its delivery-log entry, when built before the batch ended (a success: log-writes.ts earlyWrites). */
  entry?: DeliveryLogEntry;
  /** That entry is in the log already: the batch's write leaves it out. */
  written?: boolean;
  /** Ordered lane: not processed, behind its group's held head; back on the queue at once (ordered.ts). */
  behind?: boolean;
  /** Its queue effect is carried out already (an immediate re-send, `resendNow`): the batch only acknowledges it. */
  queued?: true;
}

const QUEUES = { fast: "delivery", slow: "deliverySlow", ordered: "deliveryOrdered" } as const;
const queueOf = (lane: Lane) => QUEUES[lane];

export async function finishBatch(deps: Ctx, processed: Processed[], lane: Lane): Promise<string[]> {
  const failures: string[] = processed.filter((p) => p.fail).map((p) => p.record.messageId);
  const decided = processed.filter((p) => p.effects && p.task);
  // Records first: a retry held on its message counts its attempt from the delivery record,
  // which must be written before the message can come back.
  // A park is written once; refused, its task is re-sent instead of acknowledged (park-writes.ts).
  const [kept, queued] = await Promise.all([
    writeRecords(deps, processed, lane),
    writeParks(deps, processed, (p) => entryOf(deps, p)),
  ]);
  failures.push(...kept);
  await Promise.all([
    updateEndpoints(deps, decided),
    queueWork(deps, queued, lane).then((held) => failures.push(...held)),
  ]);
  return [...new Set(failures)];
}

/** The batch's delivery-log entries, and the kept ones it carried; returns the ids to keep. */
async function writeRecords(deps: Ctx, processed: Processed[], lane: Lane): Promise<string[]> {
  // One delivery-log entry per decided record: the attempt, if one was made, folded into the
  // delivery's new state (core/store/deliveries.ts).
  const writes: LogWrite[] = [];
  for (const p of processed) {
    if (p.log) writes.push({ entry: p.log, kept: p.record.messageId });
    const entry = p.written || parkOf(p) ? undefined : (p.entry ?? entryOf(deps, p));
    if (entry) writes.push({ entry, task: p.task! });
  }
  // A kept entry is no task of a group: the ordered lane keeps it on the shared queue.
  return writeLog(deps, writes, lane === "ordered" ? "delivery" : queueOf(lane));
}

/**
 * The delivery-log entry of a decided record: its new state, with the attempt that led to it
 * if one was made. None without a new state (a move to the slow lane is no attempt).
 */
export function entryOf(deps: Clock, p: Processed): DeliveryLogEntry | undefined {
  const record = effectOf(p.effects, "record_delivery");
  if (!record || !p.task) return undefined;
  const attempt = record.attempt && p.result?.record;
  const entry = deliveryEntry(deps, p.task, attempt ? { ...record.update, attempt } : record.update);
  // A retry beyond what SQS holds waits in the table, indexed by its due time (waiting.ts).
  return queueEffect(p.effects)?.kind === "schedule" ? { ...entry, waits: true } : entry;
}

async function updateEndpoints(deps: Ctx, decided: Processed[]): Promise<void> {
  const byEndpoint = new Map<string, { endpoint: EndpointRecord; observations: HealthObservation[] }>();
  const gone = new Map<string, { e: EndpointRecord; why: Disable }>();
  for (const p of decided) {
    if (!p.endpoint || !p.result) continue;
    // The held memos' key: the batch's own endpoints are left out of `flushHeldHealth` by it.
    const key = keyOf(p.endpoint);
    const disable = effectOf(p.effects, "disable");
    if (disable) gone.set(key, { e: p.endpoint, why: disable });
    const health = effectOf(p.effects, "record_health");
    if (!health) continue;
    const group = byEndpoint.get(key) ?? { endpoint: p.endpoint, observations: [] };
    group.observations.push({
      ok: health.ok,
      at: p.result.startedAt,
      error: p.result.outcome.error,
      test: p.task?.trigger === "test",
      latencyMs: p.result.outcome.latencyMs,
      accessDenied: p.result.outcome.failure?.kind === "access-denied",
    });
    byEndpoint.set(key, group);
  }
  await Promise.all([
    // Never dropped: a throttled write is held and retried (health.ts, policy/write-behind.ts).
    ...[...byEndpoint.values()].map((g) => applyHealth(deps, g.endpoint, g.observations)),
    flushHeldHealth(deps, new Set(byEndpoint.keys())),
    ...[...gone.values()].map(async ({ e, why }) => {
      const disabled = await deps.healthStore.disableGone(e, why.lastError);
      deps.endpoints.invalidate(e.org_id);
      logger.warn("endpoint disabled", { org_id: e.org_id, endpoint_id: e.id, by: why.by });
      if (disabled)
        await emitOperational(deps, [
          endpointDisabled({ ...e, last_error: why.lastError }, why.by, deps.now()),
        ]);
    }),
  ]).then(
    () => {},
    () => {},
  );
}

/** Dead letters, re-sends, schedules and visibility changes; returns the ids kept on the queue. */
async function queueWork(deps: Ctx, processed: Processed[], lane: Lane): Promise<string[]> {
  const kept: string[] = [];
  const hold: { receiptHandle: string; seconds: number; id: string }[] = [];
  const letters: DeadLetter[] = [];
  const resends = new Map<Lane, { p: Processed; body: string; action: Resend }[]>();
  const resend = (p: Processed, action: Resend) => {
    const list = resends.get(action.lane) ?? [];
    list.push({ p, body: resentBody(action), action });
    resends.set(action.lane, list);
  };
  const schedules: Promise<unknown>[] = [];
  for (const p of processed) {
    if (p.invalid !== undefined) {
      letters.push({ id: p.record.messageId, body: p.record.body, reason: p.invalid });
      continue;
    }
    if (p.behind) {
      hold.push({ ...handle(p), seconds: 0 });
      continue;
    }
    const action = p.queued ? undefined : queueEffect(p.effects);
    if (!action) continue;
    if (action.kind === "dead_letter") letters.push(letterOf(p, action.reason, action.attempts));
    else if (action.kind === "retry_visibility") hold.push({ ...handle(p), seconds: action.seconds });
    else if (action.kind === "resend") resend(p, action);
    else if (action.kind === "schedule")
      schedules.push(scheduleRetry(deps, action).then((scheduled) => scheduled || resend(p, action.orWait)));
  }
  const notLettered = await deadLetter(deps, letters);
  kept.push(...notLettered);
  await emitDeadLettered(deps, processed, new Set(notLettered));
  // Schedules first: a retry the scheduler could not take joins the re-sends.
  await Promise.all(schedules);
  await Promise.all([...resends].map(([to, list]) => resendAll(deps, to, list, hold)));
  kept.push(...hold.map((h) => h.id));
  const refused = await deps.taskQueue.changeVisibility(queueOf(lane), hold);
  if (refused > 0)
    logger.warn("visibility change refused; retries come back after the queue default", { refused });
  return kept;
}

/**
 * A parked task goes round while its endpoint's breaker is open (and a waiting one until it is
 * due): when its body is larger than
 * one SQS billing chunk (64 KB), it goes round as a pointer (pointer.ts), one request per re-send
 * instead of up to 17, and its body is read back when it is next tried.
 */
function resentBody(action: Resend): string {
  const full = JSON.stringify(action.task);
  const goesRound = action.why === "park" || action.why === "wait";
  return goesRound && Buffer.byteLength(full) > SQS_BILLING_CHUNK_BYTES
    ? JSON.stringify(pointerOf(action.task))
    : full;
}

/** SQS bills each 64 KB of a message as one request. */
const SQS_BILLING_CHUNK_BYTES = 65_536;

const handle = (p: Processed) => ({ receiptHandle: p.record.receiptHandle, id: p.record.messageId });

/**
 * How long a message whose re-send SQS refused is held instead: a short wait at most, except a
 * retry waiting until it is due, held until then (within SQS's 12 h): a redelivered message is
 * tried at once, and held shorter its retry would come early.
 */
function holdSeconds(deps: Ctx, action: Resend): number {
  if (action.why !== "wait" || !action.task.due_at) {
    return Math.min(action.delaySeconds, deps.config.isolation.shortWaitSeconds);
  }
  const left = Math.ceil((Date.parse(action.task.due_at) - deps.now().getTime()) / 1000);
  return Math.min(SQS_MAX_VISIBILITY_SECONDS, Math.max(1, left));
}

/**
 * A re-send the policy marks `immediate` (policy/effects.ts) is made at once, not with its
 * batch. Not sent (refused, an error): the batch re-sends it, or holds it, as any other.
 */
export async function resendNow(deps: Ctx, p: Processed): Promise<Processed> {
  const action = queueEffect(p.effects);
  if (action?.kind !== "resend" || !action.immediate) return p;
  const one = taskMessage(p.record.messageId, action.task, resentBody(action), action.delaySeconds);
  const report = await deps.taskQueue.send(queueOf(action.lane), [one]).catch(() => undefined);
  return report?.sent.length === 1 ? { ...p, queued: true } : p;
}

/** Re-sends to a lane's queue; a task SQS refused is held on its message instead (a short wait). */
async function resendAll(
  deps: Ctx,
  lane: Lane,
  list: { p: Processed; body: string; action: Resend }[],
  hold: { receiptHandle: string; seconds: number; id: string }[],
): Promise<void> {
  const byId = new Map(list.map((r) => [r.p.record.messageId, r]));
  const report = await deps.taskQueue.send(
    queueOf(lane),
    list.map((r) => taskMessage(r.p.record.messageId, r.action.task, r.body, r.action.delaySeconds)),
  );
  for (const id of report.failed) {
    const r = byId.get(id)!;
    logger.error("re-send failed; holding the message instead", { message_id: id, lane });
    hold.push({ ...handle(r.p), seconds: holdSeconds(deps, r.action) });
  }
}

function letterOf(p: Processed, reason: string, attempts: number): DeadLetter {
  return {
    id: p.record.messageId,
    body: p.record.body,
    reason,
    attempts,
    orgId: p.task?.org_id,
    endpointId: p.task?.endpoint_id,
  };
}

/** `hookrelay.message.dead_lettered` for each delivery that exhausted its retries and is in the DLQ. */
function emitDeadLettered(deps: Ctx, processed: Processed[], notLettered: Set<string>): Promise<void> {
  const now = deps.now();
  const events = processed.flatMap((p) => {
    const action = queueEffect(p.effects);
    if (action?.kind !== "dead_letter" || !p.task || notLettered.has(p.record.messageId)) return [];
    return [messageDeadLettered(p.task, action.reason, action.attempts, p.result?.startedAt ?? now)];
  });
  return emitOperational(deps, events);
}

/**
 * A retry waiting longer than SQS holds it waits in the table (its record, written with the
 * batch, is indexed so: `entryOf`), resumed by its endpoint's run for its due minute
 * (waiting.ts). False when that run could not be scheduled: the waiter leaves the index and the
 * caller lets the task wait on the queue until `at` (decide.ts `waitOnQueue`), never tried early.
 */
async function scheduleRetry(
  deps: Ctx,
  action: Extract<QueueEffect, { kind: "schedule" }>,
): Promise<boolean> {
  if (await scheduleWaiting(deps, action.task, action.at)) return true;
  await unindexWaiter(deps, action.task, action.at);
  return false;
}
