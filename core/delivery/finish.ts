/**
 * The AWS work of one delivery batch, done once after every record was decided:
 * - delivery-log items (an attempt and the state it leads to are one item): BatchWriteItem;
 * - endpoint health: at most one update per endpoint per batch (which may open its breaker);
 * - 410 Gone: the endpoint disabled;
 * - re-sends (parked tasks, retries waiting 1-15 min, moves to the slow lane): one
 *   SendMessageBatch per 10, with DelaySeconds, so the wait is not held in flight;
 * - longer waits: a scheduler entry; exhausted retries and invalid tasks: the DLQ;
 * - short waits: ChangeMessageVisibilityBatch, the records reported in batchItemFailures.
 * Returns the message ids to report as failures (kept on the queue).
 */
import type { SQSRecord } from "aws-lambda";
import type { Deps } from "../deps.js";
import { logger } from "../log/index.js";
import type { DeliveryLogEntry, EndpointRecord } from "../model/index.js";
import { emitOperational, endpointDisabled, messageDeadLettered } from "../operational/index.js";
import { type DeadLetter, deadLetter } from "../queue/index.js";
import type { AttemptResult } from "./attempt.js";
import { applyHealth, type HealthObservation } from "./health.js";
import { type LogWrite, writeLog } from "./log-writes.js";
import { pointerOf, retryEntry } from "./pointer.js";
import { type Decision, GONE, type Lane, type Task } from "./policy/decide.js";
import { deliveryEntry } from "./records.js";

export interface Processed {
  record: SQSRecord;
  /** Unexpected error: leave the record on the queue untouched (back after the queue's timeout). */
  fail?: boolean;
  /** Not a task: dead-lettered with this reason. */
  invalid?: string;
  /** The task as decided on (a pointer, without its body, unless a request was made). */
  task?: Task;
  endpoint?: EndpointRecord;
  decision?: Decision;
  result?: AttemptResult;
  /** A delivery-log entry an earlier batch could not write, carried by this message (log-writes.ts). */
  log?: DeliveryLogEntry;
}

const queueOf = (lane: Lane) => (lane === "slow" ? "deliverySlow" : "delivery");

export async function finishBatch(deps: Deps, processed: Processed[], lane: Lane): Promise<string[]> {
  const failures: string[] = processed.filter((p) => p.fail).map((p) => p.record.messageId);
  const decided = processed.filter((p) => p.decision && p.task);
  // Records first: a retry held on its message counts its attempt from the delivery record,
  // which must be written before the message can come back.
  failures.push(...(await writeRecords(deps, processed, lane)));
  await Promise.all([
    updateEndpoints(deps, decided),
    queueWork(deps, processed, lane).then((kept) => failures.push(...kept)),
  ]);
  return [...new Set(failures)];
}

/** The batch's delivery-log entries, and the kept ones it carried; returns the ids to keep. */
async function writeRecords(deps: Deps, processed: Processed[], lane: Lane): Promise<string[]> {
  // One delivery-log entry per decided record: the attempt, if one was made, folded into the
  // delivery's new state (core/store/deliveries.ts).
  const writes: LogWrite[] = [];
  for (const p of processed) {
    if (p.log) writes.push({ entry: p.log, kept: p.record.messageId });
    if (!p.decision || !p.task) continue;
    const { records } = p.decision;
    // No new state, no item: an attempt always leads to one (a move to the slow lane is no attempt).
    if (!records.delivery) continue;
    const attempt =
      records.attempt && p.result
        ? { ...p.result.record, error: records.attempt.error ?? p.result.record.error }
        : undefined;
    const update = attempt ? { ...records.delivery, attempt } : records.delivery;
    writes.push({ entry: deliveryEntry(deps, p.task, update), task: p.task });
  }
  return writeLog(deps, writes, queueOf(lane));
}

async function updateEndpoints(deps: Deps, decided: Processed[]): Promise<void> {
  const byEndpoint = new Map<string, { endpoint: EndpointRecord; observations: HealthObservation[] }>();
  const gone = new Map<string, EndpointRecord>();
  for (const p of decided) {
    const { records } = p.decision!;
    if (!p.endpoint || !p.result) continue;
    const key = `${p.endpoint.org_id}/${p.endpoint.id}`;
    if (records.endpoint === "disable") gone.set(key, p.endpoint);
    if (!records.health) continue;
    const group = byEndpoint.get(key) ?? { endpoint: p.endpoint, observations: [] };
    group.observations.push({
      ok: records.health.ok,
      at: p.result.startedAt,
      error: p.result.outcome.error,
      test: p.task?.trigger === "test",
      latencyMs: p.result.outcome.latencyMs,
    });
    byEndpoint.set(key, group);
  }
  const logged = (e: EndpointRecord, what: string) => (err: unknown) => {
    logger.error(what, { org_id: e.org_id, endpoint_id: e.id, error: (err as Error)?.message });
  };
  await Promise.all([
    ...[...byEndpoint.values()].map((g) =>
      applyHealth(deps, g.endpoint, g.observations).catch(
        logged(g.endpoint, "endpoint health update failed"),
      ),
    ),
    ...[...gone.values()].map(async (e) => {
      const disabled = await deps.healthStore.disableGone(e, GONE);
      deps.endpoints.invalidate(e.org_id);
      logger.warn("endpoint disabled by a 410 Gone", { org_id: e.org_id, endpoint_id: e.id });
      if (disabled)
        await emitOperational(deps, [endpointDisabled({ ...e, last_error: GONE }, "gone", deps.now())]);
    }),
  ]).then(
    () => {},
    () => {},
  );
}

/** Dead letters, re-sends, schedules and visibility changes; returns the ids kept on the queue. */
async function queueWork(deps: Deps, processed: Processed[], lane: Lane): Promise<string[]> {
  const kept: string[] = [];
  const hold: { receiptHandle: string; seconds: number; id: string }[] = [];
  const letters: DeadLetter[] = [];
  const resends = new Map<Lane, { p: Processed; body: string; delaySeconds: number }[]>();
  const schedules: Promise<void>[] = [];
  for (const p of processed) {
    if (p.invalid !== undefined) {
      letters.push({ id: p.record.messageId, body: p.record.body, reason: p.invalid });
      continue;
    }
    const action = p.decision?.action;
    if (!action) continue;
    if (action.kind === "dead-letter") letters.push(letterOf(p, action.reason, action.attempts));
    else if (action.kind === "visibility") hold.push({ ...handle(p), seconds: action.seconds });
    else if (action.kind === "resend") {
      const list = resends.get(action.lane) ?? [];
      list.push({ p, body: resentBody(action), delaySeconds: action.delaySeconds });
      resends.set(action.lane, list);
    } else if (action.kind === "schedule") {
      schedules.push(
        scheduleRetry(deps, action.task, action.at).catch((err: unknown) => {
          logger.error("retry schedule failed; holding the message instead", {
            message_id: p.record.messageId,
            error: (err as Error)?.message,
          });
          hold.push({ ...handle(p), seconds: deps.config.isolation.shortWaitSeconds });
        }),
      );
    }
  }
  const notLettered = await deadLetter(deps, letters);
  kept.push(...notLettered);
  await emitDeadLettered(deps, processed, new Set(notLettered));
  await Promise.all([...schedules, ...[...resends].map(([to, list]) => resendAll(deps, to, list, hold))]);
  kept.push(...hold.map((h) => h.id));
  const refused = await deps.taskQueue.changeVisibility(queueOf(lane), hold);
  if (refused > 0)
    logger.warn("visibility change refused; retries come back after the queue default", { refused });
  return kept;
}

/**
 * A parked task goes round while its endpoint's breaker is open: when its body is larger than
 * one SQS billing chunk (64 KB), it goes round as a pointer (pointer.ts), one request per re-send
 * instead of up to 17, and its body is read back when it is next tried.
 */
function resentBody(action: Extract<Decision["action"], { kind: "resend" }>): string {
  const full = JSON.stringify(action.task);
  return action.why === "park" && Buffer.byteLength(full) > SQS_BILLING_CHUNK_BYTES
    ? JSON.stringify(pointerOf(action.task))
    : full;
}

/** SQS bills each 64 KB of a message as one request. */
const SQS_BILLING_CHUNK_BYTES = 65_536;

const handle = (p: Processed) => ({ receiptHandle: p.record.receiptHandle, id: p.record.messageId });

/** Re-sends to a lane's queue; a task SQS refused is held on its message instead (a short wait). */
async function resendAll(
  deps: Deps,
  lane: Lane,
  list: { p: Processed; body: string; delaySeconds: number }[],
  hold: { receiptHandle: string; seconds: number; id: string }[],
): Promise<void> {
  const byId = new Map(list.map((r) => [r.p.record.messageId, r]));
  const report = await deps.taskQueue.send(
    queueOf(lane),
    list.map((r) => ({ id: r.p.record.messageId, body: r.body, delaySeconds: r.delaySeconds })),
  );
  for (const id of report.failed) {
    const r = byId.get(id)!;
    logger.error("re-send failed; holding the message instead", { message_id: id, lane });
    hold.push({ ...handle(r.p), seconds: Math.min(r.delaySeconds, deps.config.isolation.shortWaitSeconds) });
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
function emitDeadLettered(deps: Deps, processed: Processed[], notLettered: Set<string>): Promise<void> {
  const now = deps.now();
  const events = processed.flatMap((p) => {
    const action = p.decision?.action;
    if (action?.kind !== "dead-letter" || !p.task || notLettered.has(p.record.messageId)) return [];
    return [messageDeadLettered(p.task, action.reason, action.attempts, p.result?.startedAt ?? now)];
  });
  return emitOperational(deps, events);
}

/** The scheduler puts a pointer to the task back on the delivery queue at `at` (pointer.ts). */
function scheduleRetry(deps: Deps, task: Task, at: Date): Promise<void> {
  return deps.scheduler.schedule(retryEntry(task, at));
}
