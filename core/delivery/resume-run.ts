/**
 * The resume run of an endpoint's parked deliveries (core/endpoints/resume.ts schedules it,
 * maintenance.ts runs it; docs/delivery.md, "A long outage leaves the queue").
 *
 * One run per endpoint at a time, by a lease (core/store/resume-lease.ts). Several causes can
 * schedule runs of one endpoint in the same minute (its breaker's wake-up, its closing, a
 * re-enable, aged tasks: different schedule names), and two runs at once both read the same
 * page of the parked index before either takes it out, so both enqueued it: the receiver got
 * the delivery twice (issue #25, dead-endpoint-3d after recovery: 27 M duplicates at k 0.1).
 * A run that finds the lease held does not drop its cause: it schedules a run for when the
 * lease ends. A holder that schedules a next run records its time on the lease (its cover), and
 * a run due before it, other than that one, does nothing: that run reads the index after it. The lease outlasts any run (the scheduled function's timeout), so a run that
 * died halfway needs no cleanup: what it did not take out of the index is still parked there
 * and the next run resumes it. What the lease cannot order (a manual recover racing a run) the
 * tasks' copy check settles (pending.ts, policy/delivered.ts).
 */
import { randomUUID } from "node:crypto";
import { functions } from "../config/index.js";
import { scheduleResume } from "../endpoints/index.js";
import { logger } from "../log/index.js";
import { breakerState, type EndpointRecord, MAX_RECOVER_PER_CALL, ServiceError } from "../model/index.js";
import {
  anotherPage,
  nextRunAfterSeconds,
  pageDelaySeconds,
  pageSize,
  resumePerSecond,
} from "./policy/resume-pace.js";
import { type RecoverResult, type RecoveryDeps, recoverEndpoint } from "./recovery.js";
import { wakeWhenHalfOpen } from "./wake.js";

/** Longer than any run: the scheduled function's timeout, and a margin for the clocks of two processes. */
export const RESUME_LEASE_MS = (functions.scheduled.timeoutSeconds + 10) * 1000;

/** Parked deliveries a wake-up of a half-open breaker re-enqueues: one probe, and spares. */
const PROBE_PAGE = 10;

/**
 * Resumes the deliveries parked while the endpoint was disabled (maintenance, after a
 * re-enable: resume.ts) or while its breaker stayed open (decide.ts `park`): page after page
 * for up to half a minute, each page delayed so they arrive at the endpoint's resume pace, the
 * next run scheduled for when they have (policy/resume-pace.ts). Nothing when the endpoint is
 * gone, disabled again, or its breaker is open (its wake-up comes when it may half-open); a
 * half-open breaker gets one page of a few, one of which makes the probe: the rest follow when
 * it closes (health.ts), so a dead endpoint's wake-up costs a few tasks, not its whole backlog.
 * Nothing either while another run holds the endpoint's lease (a run follows when it ends), or
 * when a run of the endpoint is scheduled after now (the lease's cover) and this is not it:
 * that run reads what this one would have. `scheduledAt`: the time this run was scheduled for,
 * when another run scheduled it. Returns how many were resumed.
 */
export async function resumeParked(
  deps: RecoveryDeps,
  org: string,
  endpointId: string,
  scheduledAt?: number,
): Promise<number> {
  const endpoint = await deps.endpointStore.get(org, endpointId);
  const breaker = endpoint ? breakerState(endpoint, deps.now()) : "closed";
  if (breaker === "open") {
    await wakeWhenHalfOpen(deps, endpoint!);
    return 0;
  }
  const target = { org_id: org, id: endpointId };
  const lease = { org, endpointId, holder: randomUUID() };
  const now = deps.now().getTime();
  const until = now + RESUME_LEASE_MS;
  const taken = await deps.endpointStore.takeResumeLease(lease, { now, until, run: scheduledAt });
  if (taken !== true) {
    await refused(deps, target, now, taken);
    return 0;
  }
  let run: { sent: number; nextAfterSeconds?: number };
  try {
    run = await resumePages(deps, target, endpoint, breaker === "half-open");
  } finally {
    // Before the next run is asked for, so it finds the lease free; kept, it ends by itself.
    await deps.endpointStore
      .releaseResumeLease(lease, deps.now().getTime())
      .catch((err: unknown) => logger.warn("resume lease not released", { error: (err as Error)?.message }));
  }
  if (run.nextAfterSeconds !== undefined) {
    const next = await scheduleResume(deps, target, { kind: "more", afterSeconds: run.nextAfterSeconds });
    // Only once it is scheduled: a cover without its run would strand what it covers. Not
    // written (a crash, a refusal), a second chain may start and merges at its next run.
    await deps.endpointStore
      .coverResumeLease(lease, next)
      .catch((err: unknown) => logger.warn("resume cover not written", { error: (err as Error)?.message }));
  }
  logger.info("parked deliveries resumed", { org_id: org, endpoint_id: endpointId, count: run.sent });
  return run.sent;
}

/**
 * A run that did not get the lease. Covered (a run scheduled after now will read the index
 * anyway): nothing, so two causes keep one chain of runs, not one each (issue #25,
 * dead-endpoint-3d: CreateSchedule/s 1 -> 2, the pace up to 2x). Held: the holder may have read
 * the index before this run's cause parked anything, and whether it has a next run is known
 * only when it ends: a run for when its lease ends (covered by then, that one does nothing).
 */
async function refused(
  deps: RecoveryDeps,
  target: { org_id: string; id: string },
  now: number,
  why: { until: number } | { covered: number },
): Promise<void> {
  if ("covered" in why) {
    logger.info("resume run merged: a scheduled run covers it", {
      org_id: target.org_id,
      endpoint_id: target.id,
      next_at: why.covered,
    });
    return;
  }
  const afterSeconds = Math.max(0, Math.ceil((why.until - now) / 1000));
  await scheduleResume(deps, target, { kind: "more", afterSeconds });
  logger.info("resume run deferred: another run holds the endpoint", {
    org_id: target.org_id,
    endpoint_id: target.id,
    after_seconds: afterSeconds,
  });
}

/** The run's pages; `nextAfterSeconds` when more remain parked for a next run. */
async function resumePages(
  deps: RecoveryDeps,
  { org_id: org, id: endpointId }: { org_id: string; id: string },
  endpoint: EndpointRecord | undefined,
  halfOpen: boolean,
): Promise<{ sent: number; nextAfterSeconds?: number }> {
  const perSecond = resumePerSecond(endpoint ?? { rate_limit: null }, deps.config.isolation.resumePerSecond);
  const max = pageSize(halfOpen ? PROBE_PAGE : MAX_RECOVER_PER_CALL, perSecond);
  const started = deps.now().getTime();
  let sent = 0;
  let more = true;
  do {
    const delaySeconds = pageDelaySeconds(sent, perSecond);
    let res: RecoverResult;
    try {
      const options = { parkedOnly: true, max, delaySeconds };
      res = await recoverEndpoint(deps, org, endpointId, new Date(0).toISOString(), options);
    } catch (err) {
      if (err instanceof ServiceError && err.status < 500) return { sent }; // deleted or disabled again
      throw err;
    }
    sent += res.count;
    more = res.more;
    if (halfOpen) more = false; // the rest follow the probe's success
    const elapsedMs = deps.now().getTime() - started;
    if (!anotherPage({ more, elapsedMs, sent, perSecond })) break;
  } while (more);
  return more ? { sent, nextAfterSeconds: nextRunAfterSeconds(sent, perSecond) } : { sent };
}
