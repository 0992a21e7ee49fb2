/**
 * Retries waiting longer than SQS holds a message (docs/delivery.md, "Retry schedule"; issue #25,
 * "Scheduler"). Such a retry is acknowledged and waits in the table: its `retrying` log item,
 * written with the batch's records (execute.ts), carries the waiting index's keys by endpoint and
 * due time (core/store/waiting.ts). ONE scheduler entry per endpoint and due minute
 * (policy/waiting.ts) runs `resumeWaiting`, which puts every waiter of that endpoint due by then
 * back on the delivery queue as a fresh message with its attempt count, trigger and trace, at the
 * endpoint's resume pace (policy/resume-pace.ts). Before, each such retry was its own
 * CreateSchedule: ~1.2k/s and millions pending for one endpoint failing half the time at
 * 5,000 events/s.
 *
 * A run reads everything due by its time, not its minute alone: a run that never came (its
 * schedule refused or lost, the invocation dropped) is made up by the endpoint's next one, and
 * `recover` finds a waiter long past due as stuck (stuck.ts).
 */
import type { Uses } from "../deps.js";
import { scheduled, scheduleOnce } from "../endpoints/index.js";
import { mapLimit } from "../lib/index.js";
import { logger } from "../log/index.js";
import {
  type DeliveryTask,
  MAX_RECOVER_PER_CALL,
  payloadState,
  type QueuedTask,
  type RecoverableRef,
  type StoredMessage,
  taskFor,
  taskId,
  type Waiter,
} from "../model/index.js";
import { SendError, taskMessage } from "../queue/index.js";
import type { DeliveryContext } from "./context.js";
import type { Task } from "./policy/effects.js";
import { anotherPage, nextRunAfterSeconds, pageDelaySeconds, resumePerSecond } from "./policy/resume-pace.js";
import {
  waiterDelaySeconds,
  waiterLeaseMs,
  waitingHorizon,
  waitingRun,
  waitingRunAfter,
  waitingRunAfterClaim,
} from "./policy/waiting.js";

// The runs this process has asked for (endpoint and minute): one ask each (core/endpoints
// schedule-once.ts), so a batch's waiters of one minute, decided together, make one call.
const MEMO_RUNS = 10_000;
const runOnce = scheduleOnce<DeliveryContext["healthMemos"]>(MEMO_RUNS);

/**
 * Makes sure the run of the task's endpoint for the minute `at` falls in is scheduled: asked once
 * per endpoint and minute per process, within this process's share of the CreateSchedule quota
 * (`deps.retrySchedules`). False when it could not be (over the share, refused): the caller
 * takes the waiter out of the index (`unindexWaiter`) and lets the task wait on the queue.
 */
export function scheduleWaiting(deps: DeliveryContext, task: Task, at: Date): Promise<boolean> {
  const run = waitingRun(task.org_id, task.endpoint_id, at);
  return runOnce(deps.healthMemos, `${task.org_id}/${run.name}`, async () => {
    if (!deps.retrySchedules.take(deps.now().getTime())) return false;
    return scheduled(
      () => deps.scheduler.schedule(run),
      "waiting run refused; the retry waits on the queue instead",
      {
        org_id: task.org_id,
        endpoint_id: task.endpoint_id,
      },
    );
  });
}

/**
 * Takes a just-written waiter out of the waiting index (its run could not be scheduled, so it
 * waits on the queue): no run may send it a second time. Never throws; left in, a run could.
 */
export async function unindexWaiter(deps: Uses<"deliveryStore">, task: Task, at: Date): Promise<void> {
  try {
    const ref = await deps.deliveryStore.recoverableRef(task.org_id, task.msg_id, task.endpoint_id);
    // Only the waiter itself: its record may not be written yet (kept on the queue, log-writes.ts),
    // and the latest item then is another one, whose own index stays.
    if (ref?.at === at.toISOString()) await deps.deliveryStore.setRecoverable(task.org_id, ref, false);
  } catch (err) {
    logger.warn("waiter left in the waiting index", { msg_id: task.msg_id, error: (err as Error)?.message });
  }
}

type RunDeps = Uses<
  "config" | "now" | "taskQueue" | "scheduler" | "endpointStore" | "messageStore" | "deliveryStore"
>;

/**
 * The run of an endpoint's waiters: page after page of those due within its minute (and any
 * overdue), for up to half a minute, each sent with the delay left until it is due, or later to
 * keep the endpoint's resume pace, and a next run when more are due (policy/resume-pace.ts).
 * Nothing for a deleted endpoint (its waiters go with their items' retention); a disabled,
 * paused or broken endpoint's waiters are sent as any task, the delivery parks them. Returns
 * how many were resumed.
 */
export async function resumeWaiting(deps: RunDeps, org: string, endpointId: string): Promise<number> {
  const endpoint = await deps.endpointStore.get(org, endpointId);
  if (!endpoint) return 0;
  const perSecond = resumePerSecond(endpoint, deps.config.isolation.resumePerSecond);
  const started = deps.now().getTime();
  // What this run sent (at most its pages' worth): a page that reads one again (its removal
  // failed, or the index, read eventually consistent, has not caught up) skips it unread.
  const seen = new Set<string>();
  let sent = 0;
  let more = true;
  let refused: unknown;
  // The latest claim this run met and left (another run's, or its own not released).
  let claimedUntil: string | undefined;
  let busy = false;
  while (more) {
    const until = waitingHorizon(deps.now()).toISOString();
    const page = await deps.deliveryStore.waitingDue(org, endpointId, { until, max: MAX_RECOVER_PER_CALL });
    const done = await resumePage(deps, org, page.deliveries, pageDelaySeconds(sent, perSecond), seen);
    sent += done.sent;
    more = page.more;
    refused = done.refused;
    claimedUntil = latest(claimedUntil, done.claimedUntil);
    busy ||= done.busy;
    const elapsedMs = deps.now().getTime() - started;
    // A page that moved nothing (its sends refused) is left for the next run.
    if (done.sent + done.stale === 0 || !anotherPage({ more, elapsedMs, sent, perSecond })) break;
  }
  // A claimed waiter left (its claimer died, or this run could not release it) is due again
  // when its claim ends: a run then, one entry for every run that met it.
  if (claimedUntil) await deps.scheduler.schedule(waitingRunAfterClaim(org, endpointId, claimedUntil));
  // A waiter whose take DynamoDB throttled is still due, and nothing else may read it again.
  if (more || busy) {
    const afterSeconds = nextRunAfterSeconds(sent, perSecond);
    await deps.scheduler.schedule(waitingRunAfter(org, endpointId, deps.now(), afterSeconds));
  } else if (refused !== undefined) {
    // What SQS refused on the last page has no next page nor, maybe, a next run: failing, the
    // run has its next scheduled (run-fallback.ts).
    throw refused;
  }
  logger.info("waiting retries resumed", { org_id: org, endpoint_id: endpointId, count: sent });
  return sent;
}

const latest = (a: string | undefined, b: string | undefined) => (a === undefined || (b ?? "") > a ? b : a);

/**
 * A waiter as a page found it: claimed (until `until`) with its task and the delay it is sent
 * with, out of the index, or left there (`busy`: its take throttled; `claimedUntil`: claimed).
 */
type Taken =
  | { kind: "claimed"; ref: RecoverableRef; task: QueuedTask; delaySeconds: number; until: string }
  | { kind: "moved" }
  | { kind: "left"; error?: unknown; busy?: true; claimedUntil?: string };

/**
 * One page of waiters back on the delivery queue, each when it is due (not before the page's
 * `delaySeconds`, the resume pace). Each is claimed first (`take`) and only its claimer sends
 * it: a waiter left in the index (its removal throttled) was sent again by the next run or
 * the same run's next page, and the two copies, both reading its `retrying` record before
 * either wrote, both passed the copy check (policy/delivered.ts `movedPast`). Each sent one
 * leaves the index; a failed removal leaves it claimed until its lease ends (its delay and
 * a margin: policy/waiting.ts `waiterLeaseMs`), by when its copy made its attempt. What SQS
 * refused is released for the next page or run (`refused`: the error); what could not be
 * released, and another run's claim met here, is due when its claim ends (`claimedUntil`); a
 * take DynamoDB throttled took nothing, and the waiter waits for the next run (`busy`).
 */
async function resumePage(
  deps: RunDeps,
  org: string,
  refs: RecoverableRef[],
  delaySeconds: number,
  seen: Set<string>,
): Promise<{ sent: number; stale: number; refused?: unknown; claimedUntil?: string; busy: boolean }> {
  const now = deps.now();
  const taken = await mapLimit(refs, 16, (ref) => take(deps, org, ref, { now, delaySeconds, seen }));
  const live = taken.flatMap((w) => (w.kind === "claimed" ? [w] : []));
  const stale = taken.filter((w) => w.kind === "moved").length;
  const left = taken.flatMap((w) => (w.kind === "left" ? [w] : []));
  // A take that failed (a 5xx; throttled, it is `busy`): the waiter stays due, for the next page or run.
  const failed = left.find((w) => w.error !== undefined)?.error;
  const busy = left.some((w) => w.busy === true);
  const others = left.reduce<string | undefined>((at, w) => latest(at, w.claimedUntil), undefined);
  if (live.length === 0) return { sent: 0, stale, refused: failed, claimedUntil: others, busy };
  const key = (w: { ref: RecoverableRef }) => taskId(w.ref.msg_id, w.ref.endpoint_id);
  const report = await deps.taskQueue.send(
    "delivery",
    // Its endpoint stays the task's fair-queue tenant (core/queue/tasks.ts).
    live.map((w) => taskMessage(key(w), w.task, JSON.stringify(w.task), w.delaySeconds)),
  );
  const ok = new Set(report.sent);
  const out = live.filter((w) => ok.has(key(w)));
  for (const w of out) seen.add(key(w));
  await mapLimit(out, 16, (w) => unindex(deps, org, w.ref, "resumed waiter left in the waiting index"));
  const back = live.filter((w) => !ok.has(key(w)));
  const kept = await mapLimit(back, 16, (w) =>
    deps.deliveryStore.releaseWaiter(org, w.ref, w.until).then(
      () => undefined,
      (err: unknown) => {
        logger.warn("refused waiter left claimed", { msg_id: w.ref.msg_id, error: (err as Error)?.message });
        return w.until;
      },
    ),
  );
  const claimedUntil = kept.reduce<string | undefined>((at, until) => latest(at, until), others);
  const refused = back.length === 0 ? failed : (report.error ?? new SendError(report.failed, report.sent));
  return { sent: out.length, stale, refused, claimedUntil, busy };
}

/**
 * A page's waiter, claimed, unless: this run sent it already, or a claim holds it (left: due
 * when it ends); its item is no longer the delivery's latest state (stale: it leaves the
 * index); it moved since the page read it. Its event is read before the claim, so nothing but
 * the send comes between a claim and its end. Never throws: a failed read or claim leaves the
 * waiter due (`busy` when throttled, item.ts `busyIfThrottled`), the page's others are sent
 * (thrown, the page's other calls went on claiming waiters no one sent until their claims ended).
 */
async function take(deps: RunDeps, org: string, ref: RecoverableRef, run: Run): Promise<Taken> {
  if (run.seen.has(taskId(ref.msg_id, ref.endpoint_id))) return { kind: "left" };
  try {
    return await readAndClaim(deps, org, ref, run);
  } catch (error) {
    const message = (error as Error)?.message;
    logger.warn("waiter not claimed; left for the next run", { msg_id: ref.msg_id, error: message });
    return { kind: "left", error };
  }
}

type Run = { now: Date; delaySeconds: number; seen: Set<string> };

async function readAndClaim(deps: RunDeps, org: string, ref: RecoverableRef, run: Run): Promise<Taken> {
  const waiter = await deps.deliveryStore.waiter(org, ref);
  if (waiter === "busy") return { kind: "left", busy: true };
  if (!waiter) {
    await unindex(deps, org, ref, "stale waiter left in the waiting index");
    return { kind: "moved" };
  }
  const now = run.now.toISOString();
  if (waiter.claimed_until !== undefined && waiter.claimed_until > now) {
    return { kind: "left", claimedUntil: waiter.claimed_until };
  }
  // Sent with this delay, so claimed for it and the margin (policy/waiting.ts `waiterLeaseMs`).
  const delaySeconds = waiterDelaySeconds(ref.at, run.now, run.delaySeconds);
  const claim = { until: new Date(run.now.getTime() + waiterLeaseMs(delaySeconds)).toISOString(), now };
  const m = await deps.messageStore.get(org, ref.msg_id);
  const available = m && payloadState(m, run.now) === "available" ? m : undefined;
  const mine = await deps.deliveryStore.claimWaiter(org, ref, claim);
  if (mine === "busy") return { kind: "left", busy: true };
  if (!mine) return refusedClaim(deps, org, ref, now);
  const task = waitingTask(org, ref, waiter, available);
  return { kind: "claimed", ref, task, delaySeconds, until: claim.until };
}

/**
 * A claim refused: the waiter moved, or is claimed by another run (a claim of this run's whose
 * answer was lost is its own: core/store/waiting.ts): left as one met claimed, due when the claim ends.
 */
async function refusedClaim(deps: RunDeps, org: string, ref: RecoverableRef, now: string): Promise<Taken> {
  const again = await deps.deliveryStore.waiter(org, ref);
  if (again === "busy") return { kind: "left", busy: true };
  const until = again?.claimed_until;
  return until !== undefined && until > now ? { kind: "left", claimedUntil: until } : { kind: "moved" };
}

/**
 * Takes a waiter out of the index; a failure is logged (`what`), never thrown: a stale waiter
 * left there is found stale again by the next run, a claimed one skipped until its lease ends.
 */
async function unindex(deps: RunDeps, org: string, ref: RecoverableRef, what: string): Promise<void> {
  try {
    await deps.deliveryStore.setRecoverable(org, ref, false);
  } catch (err) {
    logger.warn(what, { msg_id: ref.msg_id, error: (err as Error)?.message });
  }
}

const TRIGGERS = new Set<string>(["event", "resend", "recover", "test", "replay"]);

/**
 * The task a waiter resumes as: built from its stored event (body, retention, trace), its
 * attempts made as `attempt_base`, its due time as `due_at` (never tried before it: decide.ts). An event whose payload is gone (expired, erased, deleted by
 * its TTL) goes as a pointer without a body: the delivery reads it, finds it gone and ends the
 * delivery so (pointer.ts `withBody`).
 */
function waitingTask(
  org: string,
  ref: RecoverableRef,
  waiter: Waiter,
  m: StoredMessage | undefined,
): QueuedTask {
  const trigger = (TRIGGERS.has(waiter.trigger) ? waiter.trigger : "event") as DeliveryTask["trigger"];
  if (m) return { ...taskFor(m, ref.endpoint_id, trigger), attempt_base: waiter.attempts, due_at: ref.at };
  return {
    v: 1,
    org_id: org,
    msg_id: ref.msg_id,
    endpoint_id: ref.endpoint_id,
    event_type: waiter.event_type,
    created_at: waiter.created_at,
    attempt_base: waiter.attempts,
    trigger,
    due_at: ref.at,
  };
}
