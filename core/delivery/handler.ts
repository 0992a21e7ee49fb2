/**
 * The delivery function: SQS-triggered, partial batch responses, the records of a batch
 * delivered concurrently. One handler per lane: the shared (fast) lane on the delivery
 * queue, and the slow lane on its own queue with its own concurrency (docs/delivery.md).
 *
 * Per record: parse the task, look the endpoint up (cached), count the attempt, ask
 * `decide()` whether to send, send, ask `decide()` what the outcome means. Each answer is a
 * list of effects (policy/effects.ts): what cannot wait (the retention guard's resume, the
 * send's gates, a move to the slow lane) execute-now.ts carries out at once; the rest (writes,
 * health, re-sends, schedules, dead letters, visibility) execute.ts does once per batch. The queue's own redrive (maxReceiveCount) remains the safety net for
 * crashed invocations.
 */
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { ORDERED_START_BUDGET_MS } from "../config/index.js";
import { addLogContext, type LogContext, logger, withInvocation, withLogContext } from "../log/index.js";
import {
  type DeliveryTask,
  type EndpointRecord,
  parseTraceparent,
  type QueuedTask,
  queuedTask,
  taskId,
} from "../model/index.js";
import { type AttemptResult, attemptDelivery } from "./attempt.js";
import type { DeliveryContext } from "./context.js";
import { entryOf, finishBatch, type Processed, resendNow } from "./execute.js";
import { executeNow, passGates, resumeBeforePark } from "./execute-now.js";
import { earlyWrites } from "./log-writes.js";
import { type DeliveryOutcome, publishDeliveryMetrics } from "./metrics.js";
import { processInOrder } from "./ordered.js";
import { withBody } from "./pointer.js";
import { cutByBudget, type DecideContext } from "./policy/decide.js";
import { deliveredAlready, movedPast } from "./policy/delivered.js";
import { type Effect, effectOf, type Lane, queueEffect, type Task } from "./policy/effects.js";
import { decideInLane as decide } from "./policy/ordered.js";
import { noteFlight } from "./slow-cap.js";
import { noteAnswer } from "./trial.js";

export interface DeliveryHandlerOptions {
  /** Which lane this handler serves (default: the shared one). */
  lane?: Lane;
  /** Longest re-send delay (SQS: 15 min); longer waits go through the scheduler. */
  maxDelaySeconds?: number;
  random?: () => number;
}

export function createDeliveryHandler(
  deps: DeliveryContext,
  options: DeliveryHandlerOptions = {},
): (event: SQSEvent, context?: Pick<Context, "awsRequestId">) => Promise<SQSBatchResponse> {
  const lane = options.lane ?? "fast";
  const random = options.random ?? Math.random;
  // The ordered lane has its own consumer and waits each endpoint's own timeout: no slow lane.
  const slowLane = lane !== "ordered" && deps.config.queues.deliverySlow !== deps.config.queues.delivery;
  const opts = { lane, random, slowLane, maxDelaySeconds: options.maxDelaySeconds };

  return (event, context) => withInvocation(context, () => deliverBatch(deps, event, opts));
}

async function deliverBatch(
  deps: DeliveryContext,
  event: SQSEvent,
  opts: Omit<Options, "early">,
): Promise<SQSBatchResponse> {
  const lane = opts.lane;
  const early = earlyWrites(deps, deps.config.isolation.fastLaneBudgetMs);
  // Each record logs in its own context: its task's ids are added once parsed (processRecord).
  const run = (record: SQSRecord) =>
    withLogContext({ sqs_message_id: record.messageId }, () =>
      processRecord(deps, record, { ...opts, early }).catch((err: unknown): Processed => {
        logger.error("delivery record failed unexpectedly", {
          message_id: record.messageId,
          error: (err as Error)?.message,
        });
        return { record, fail: true };
      }),
    );
  const started = deps.now().getTime();
  const mayStart = () => deps.now().getTime() - started <= ORDERED_START_BUDGET_MS;
  const processed =
    lane === "ordered"
      ? await processInOrder(event.Records, run, mayStart)
      : await Promise.all(event.Records.map(run));
  const written = await early.close();
  for (const p of processed) p.written = p.entry !== undefined && written.has(p.entry.id);
  const failures = await finishBatch(deps, processed, lane);
  // A kept log entry (no task, no request) and a record held behind its group are no delivery outcome.
  publishDeliveryMetrics(processed.filter((p) => !p.log && !p.behind).map(outcomeOf));
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

type Options = Pick<DecideContext, "lane" | "random" | "slowLane" | "maxDelaySeconds"> & {
  early: ReturnType<typeof earlyWrites>;
};

async function processRecord(deps: DeliveryContext, record: SQSRecord, opts: Options): Promise<Processed> {
  const parsed = parseTask(record.body);
  if (!parsed.ok) return invalidTask(record, parsed.reason);
  // A kept delivery-log entry: written with the batch's, no request (log-writes.ts).
  if (parsed.task.log) return { record, log: parsed.task.log };
  const task: Task = parsed.task;
  addLogContext(taskLogContext(task));
  const endpoint = await deps.endpoints.cached(task.org_id, task.endpoint_id);
  const counted = await attemptNumber(deps, task, record);
  if (counted !== "done") addLogContext({ attempt: counted.attempt });
  if (counted === "done" || !(await claimed(deps, task))) return { record, task, effects: [{ kind: "ack" }] };
  const { early, ...policy } = opts;
  const sent = Number(record.attributes?.SentTimestamp);
  const queuedAt = Number.isFinite(sent) ? new Date(sent) : undefined;
  const first = { ...policy, ...counted, queuedAt, now: deps.now(), config: deps.config };
  const { effects: before, ctx } = await decideBefore(deps, task, endpoint, first);
  const send = effectOf(before, "send");
  if (!send) return { record, task, endpoint, effects: before };
  // What a closed gate, or a payload gone, means is decide's (policy/decide.ts `gate`).
  const gated = (gate: DecideContext["gate"]): Processed => ({
    record,
    task,
    endpoint,
    effects: decide(task, endpoint, null, { ...ctx, gate }),
  });
  const gates = await passGates(deps, before, endpoint!, ctx);
  // A re-send decide marks immediate (the trial gate's refusals) is made now, not with the batch.
  if ("closed" in gates) return resendNow(deps, gated(gates.closed));
  const { admission } = gates;
  // A pointer's body is read back only for the request (pointer.ts): a task parked, deferred
  // or beaten to the probe goes round without it, and without a read.
  const full = await withBody(deps, task);
  if ("gone" in full) {
    await admission.release(ctx.now, false);
    logger.info("delivery without its payload ended", {
      org_id: task.org_id,
      msg_id: task.msg_id,
      state: full.gone,
    });
    return gated(full.gone);
  }
  // Noted before the slots are freed: a poller that takes the freed trial slot finds the endpoint proven.
  const result = await attemptDelivery(deps, endpoint!, full, ctx.attempt, send.timeoutMs)
    .then((r) => noteAnswer(deps, endpoint!, r, deps.now()))
    .then((r) => noteFlight(deps, endpoint!, r, !cutByBudget(endpoint!, r.outcome, ctx)))
    .finally(() => admission.release(deps.now(), true));
  const after = decide(full, endpoint, result.outcome, ctx);
  await executeNow(deps, after, endpoint!, ctx.now);
  logOutcome(full, ctx.attempt, result, after);
  const done: Processed = { record, task: full, endpoint, effects: after, result };
  // A success is in the log before a long batch ends (log-writes.ts earlyWrites).
  const entry =
    effectOf(after, "record_delivery")?.update.status === "succeeded" ? entryOf(deps, done) : undefined;
  if (!entry) return done;
  early.add(entry);
  return { ...done, entry };
}

/**
 * The decision before a request. A task the retention guard (policy/queue-age.ts) would park is
 * decided again with its delivery's record (a copy of one delivered already is acknowledged:
 * decide's rule), and its park holds only once its endpoint's resume is scheduled
 * (execute-now.ts); refused, the task is decided again without its age, and tried as usual.
 */
async function decideBefore(
  deps: DeliveryContext,
  task: Task,
  endpoint: EndpointRecord | undefined,
  ctx: DecideContext,
): Promise<{ effects: Effect[]; ctx: DecideContext }> {
  const effects = decide(task, endpoint, null, ctx);
  if (!endpoint || !effectOf(effects, "resume_aged")) return { effects, ctx };
  const delivery = await deps.deliveryStore.get(task.org_id, task.msg_id, task.endpoint_id);
  const read: DecideContext = { ...ctx, delivery };
  const parked = decide(task, endpoint, null, read);
  if (await resumeBeforePark(deps, parked, endpoint, ctx.now)) return { effects: parked, ctx: read };
  const tried: DecideContext = { ...read, queuedAt: undefined };
  return { effects: decide(task, endpoint, null, tried), ctx: tried };
}

/** The ids every log line of a task's processing carries (core/log). */
function taskLogContext(task: Task): LogContext {
  return {
    org_id: task.org_id,
    msg_id: task.msg_id,
    endpoint_id: task.endpoint_id,
    ...(task.traceparent ? { trace_id: parseTraceparent(task.traceparent)?.traceId } : {}),
  };
}

function invalidTask(record: SQSRecord, reason: string): Processed {
  logger.warn("invalid delivery task dead-lettered", { message_id: record.messageId, reason });
  return { record, invalid: reason };
}

/**
 * The attempt this receive makes, and when it is due (the task's `due_at`: a retry waiting on
 * the queue). A first receive: one after those the task carries, unless it is a copy its
 * delivery moved past (policy/delivered.ts `movedPast`: a retry that waited, or a task a
 * resend, recover or resume re-enqueued), which is "done". A redelivery
 * (ApproximateReceiveCount > 1, which also rises on throttled or crashed invocations) is
 * counted from the delivery's own record, so no retry is burnt without a request; a delivery
 * the record shows succeeded is "done". One read at most, none for a first fan-out's task.
 */
async function attemptNumber(
  deps: DeliveryContext,
  task: Task,
  record: SQSRecord,
): Promise<Pick<DecideContext, "attempt" | "notBefore"> | "done"> {
  const first = (Number(record.attributes.ApproximateReceiveCount) || 1) <= 1;
  const notBefore = task.due_at ? new Date(task.due_at) : undefined;
  const next = { attempt: task.attempt_base + 1, notBefore };
  if (first && !task.due_at && !task.pending_entry) return next;
  const latest = await deps.deliveryStore.latest(task.org_id, task.msg_id, task.endpoint_id);
  if (first) return movedPast(latest, task) ? "done" : next;
  const current = latest?.record;
  if (deliveredAlready(current, task)) return "done";
  const made =
    current?.status === "retrying" ? Math.max(task.attempt_base, current.attempts) : task.attempt_base;
  return { attempt: made + 1, notBefore };
}

/**
 * A task sent by a run of a tracked task (a replay) goes on only if its item is that run's:
 * a copy a resumed run sent again after a crash is dropped here (docs/tasks.md, "Exactly once").
 */
async function claimed(deps: DeliveryContext, task: Task): Promise<boolean> {
  if (!task.claim) return true;
  const item = taskId(task.msg_id, task.endpoint_id);
  const mine = await deps.taskStore.claimItem(
    task.org_id,
    task.claim.task_id,
    item,
    task.claim.run,
    deps.now(),
  );
  if (!mine)
    logger.info("replayed delivery dropped: another run of its task sent it", { msg_id: task.msg_id });
  return mine;
}

function logOutcome(task: DeliveryTask, attempt: number, result: AttemptResult, effects: Effect[]): void {
  if (result.outcome.ok) {
    // Debug only: a line per delivery at 10,000 events/s is CloudWatch Logs' biggest bill.
    logger.debug("delivery attempt succeeded", { status: result.outcome.status });
    return;
  }
  logger.info("delivery attempt failed", {
    org_id: task.org_id,
    msg_id: task.msg_id,
    endpoint_id: task.endpoint_id,
    attempt,
    status: result.outcome.status,
    error: result.outcome.error,
    next: queueEffect(effects)?.kind,
  });
}

function parseTask(body: string): { ok: true; task: QueuedTask } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: "invalid task: body is not JSON" };
  }
  const res = queuedTask.safeParse(json);
  if (!res.success) {
    const where = res.error.issues.map((i) => i.path.join(".") || "(root)").join(", ");
    return { ok: false, reason: `invalid task: ${where}` };
  }
  return { ok: true, task: res.data };
}

/** What a processed record counts as in the metrics. */
function outcomeOf(p: Processed): DeliveryOutcome {
  if (p.fail) return { kind: "fail" };
  // Not the receiver's doing: a task this service wrote and cannot read (alarmed, docs/operations.md).
  if (p.invalid !== undefined) return { kind: "invalid" };
  const action = queueEffect(p.effects)!;
  const latencyMs = p.result?.outcome.latencyMs;
  if (action.kind === "dead_letter") return { kind: "dead-lettered", latencyMs };
  if (action.kind === "resend" && action.why === "park") return { kind: "parked" };
  if (action.kind === "resend" && action.why === "rate") return { kind: "rate-limited" };
  if (action.kind === "resend" && action.why === "unproven") return { kind: "deferred-unproven" };
  if (action.kind === "resend" && action.why === "slow-cap") return { kind: "deferred-slow-cap" };
  if (action.kind === "resend" && action.why === "wait") return { kind: "waiting" };
  if (action.kind === "resend" && action.why === "slow") return { kind: "moved-to-slow-lane", latencyMs };
  if (!p.result && effectOf(p.effects, "record_delivery")?.update.status === "skipped")
    return { kind: "parked" };
  if (!p.result) return { kind: "abandoned" };
  return { kind: p.result.outcome.ok ? "succeeded" : "attempt-failed", latencyMs };
}
